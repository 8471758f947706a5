import type { BriefcaseClient } from '@briefcase/client'
import { ContextProvider } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { Session } from './client-types.js'
import { clientContext, selectionContext } from './context/client-context.js'
import type { RecordSelection } from './context/client-context.js'
import { SessionController } from './controllers/session-controller.js'
import { OpenRecordEvent } from './events/open-record-event.js'
import { SessionChangeEvent } from './events/session-change-event.js'
import { displayName, pendingValues } from './format/display-name.js'
import { fieldLabel } from './format/field-value.js'
import { shortDevice } from './format/presence.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/** What an unsynced change without fields does, in words. */
const OPERATION_WORDS = { create: 'new record', update: 'changes', delete: 'delete' } as const

/**
 * Signs the user in and out through the relay (the org's OAuth login), holds the Briefcase client
 * and hands it to every `briefcase-*` element inside it. It also remembers the record on screen:
 * a `briefcase-open-record` event from inside selects it for `<briefcase-record>`.
 *
 * Signing out first sends pending changes to the relay; when it cannot (offline), it lists what
 * would be lost and asks before discarding.
 *
 * @summary Sign-in, sign-out and the Briefcase client for the elements inside.
 *
 * @fires briefcase-session-change - The user signed in or out (`SessionChangeEvent`: `session`).
 *
 * @slot - Content for a signed-in user (hidden while signed out, yet still given the client).
 * @slot signed-out - Shown while signed out, under the sign-in button.
 *
 * @csspart bar - The bar with the user and the sign-in or sign-out button.
 * @csspart user - The user's name and device.
 * @csspart sign-in - The sign-in button.
 * @csspart sign-out - The sign-out button.
 * @csspart offline-notice - "Sign in once while online…", shown signed out with no network.
 * @csspart dialog - The "changes not synced" confirmation shown when signing out offline.
 * @csspart content - The wrapper of the default slot.
 *
 * @cssprop [--briefcase-session-bar-background=#ffffff] - Background of the bar.
 * @cssprop [--briefcase-session-bar-border=#c9c9c9] - Colour of the bar's lower border.
 * @cssprop [--briefcase-color-brand=#0176d3] - Brand colour of every element.
 * @cssprop [--briefcase-font-family] - Font of every element (Salesforce Sans, then the system font).
 */
@customElement('briefcase-session')
export class BriefcaseSession extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    css`
      :host {
        display: block;
      }
      [part='bar'] {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--_space-2) var(--_space-4);
        padding: var(--_space-2) var(--_space-4);
        background: var(--briefcase-session-bar-background, var(--_surface));
        border-bottom: 1px solid var(--briefcase-session-bar-border, var(--_border));
      }
      [part='user'] {
        display: flex;
        flex-direction: column;
        margin-inline-end: auto;
        min-width: 0;
      }
      .name {
        font-weight: 700;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .signed-out {
        padding: var(--_space-4);
      }
      [part='dialog'] {
        margin: var(--_space-2) var(--_space-4);
        padding: var(--_space-4);
        border: 1px solid var(--_error);
        border-radius: var(--_radius);
        background: var(--_surface);
      }
      [part='dialog'] ul {
        margin: var(--_space-2) 0;
        padding-inline-start: var(--_space-4);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space-2);
      }
    `,
  ]

  /** The relay's base URL; the page's own origin when empty. Ignored when `client` is set. */
  @property({ attribute: 'relay-url' }) relayUrl = ''

  /** A client made by the page, used instead of creating one (the page closes it). */
  @property({ attribute: false }) client: BriefcaseClient | undefined

  #session = new SessionController(this, (session) => this.#sessionChanged(session))
  /** The browser's network (`navigator.onLine`): signing in needs it. */
  #browserOnline = navigator.onLine
  #onNetwork = (): void => {
    this.#browserOnline = navigator.onLine
    this.requestUpdate()
  }
  #clientProvider = new ContextProvider(this, { context: clientContext })
  #selection = new ContextProvider(this, { context: selectionContext })

  constructor() {
    super()
    this.addEventListener(OpenRecordEvent.eventName, (event) => {
      this.selectRecord(event.doc, event.field)
    })
  }

  /** The signed-in user and device, or `null`. */
  get session(): Session | null {
    return this.#session.session
  }

  /** The client in use (created by this element, or the page's `client`). */
  get activeClient(): BriefcaseClient | undefined {
    return this.#session.client ?? undefined
  }

  /** The record on screen, as `<briefcase-record>` elements without a `doc` follow it. */
  get selection(): RecordSelection | undefined {
    return this.#selection.value
  }

  /** Shows a record in the `<briefcase-record>` elements inside (those without their own `doc`). */
  selectRecord(doc: string | undefined, field: string | null = null): void {
    this.#selection.setValue(doc ? { doc, field } : undefined)
  }

  /** Goes to the org's login page; the relay brings the browser back here signed in. */
  signIn(): void {
    this.#session.signIn()
  }

  /** Sends pending changes to the relay, then signs out and deletes this user's data here. */
  signOut(): Promise<void> {
    return this.#session.signOut()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') && this.client) this.#session.useClient(this.client)
    else if ((changed.has('relayUrl') || !this.#session.client) && !this.client) {
      this.#session.connect(this.relayUrl || window.location.origin)
    }
    if (this.#clientProvider.value !== this.activeClient) {
      this.#clientProvider.setValue(this.activeClient)
    }
  }

  override connectedCallback(): void {
    super.connectedCallback()
    window.addEventListener('online', this.#onNetwork)
    window.addEventListener('offline', this.#onNetwork)
    this.#onNetwork()
    if (!this.#session.client) this.requestUpdate()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('online', this.#onNetwork)
    window.removeEventListener('offline', this.#onNetwork)
    queueMicrotask(() => {
      if (!this.isConnected) void this.#session.close()
    })
  }

  /** Whether the unsynced-changes warning was on screen at the last render. */
  #warned = false

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed)
    const warned = this.#session.unsynced !== null
    if (warned === this.#warned) return
    this.#warned = warned
    // The warning takes the focus when it appears (Keep working), and gives it back to Sign out.
    const target = warned ? '[part=dialog] button.brand' : '[part=sign-out]'
    this.renderRoot.querySelector<HTMLElement>(target)?.focus()
  }

  #sessionChanged(session: Session | null): void {
    if (!session) this.selectRecord(undefined)
    this.dispatchEvent(new SessionChangeEvent(session))
  }

  protected override render(): TemplateResult {
    const session = this.session
    const state = this.#session
    return html`
      <div part="bar" role="region" aria-label="Session">
        ${session ? this.#renderUser(session) : html`<span part="user" class="weak">Not signed in</span>`}
        ${
          session
            ? html`<button
                part="sign-out"
                ?disabled=${state.signingOut}
                @click=${() => void this.signOut()}
              >
                ${state.signingOut ? 'Signing out…' : 'Sign out'}
              </button>`
            : html`<button
                part="sign-in"
                class="brand"
                ?disabled=${state.starting || !state.client || !this.#browserOnline}
                @click=${() => this.signIn()}
              >
                Sign in with Salesforce
              </button>`
        }
      </div>
      ${
        session || state.starting || this.#browserOnline
          ? nothing
          : html`<p part="offline-notice" class="notice" role="status">
              Sign in once while online to use Briefcase offline.
            </p>`
      }
      ${state.error ? html`<p class="notice error" role="alert">${state.error}</p>` : nothing}
      ${state.unsynced ? this.#renderUnsynced(state.unsynced.length) : nothing}
      ${
        session || state.starting
          ? nothing
          : html`<div class="signed-out">
              <slot name="signed-out">
                <p>Sign in to work with your Salesforce records, online or offline.</p>
              </slot>
            </div>`
      }
      <div part="content" ?hidden=${!session}><slot></slot></div>
    `
  }

  #renderUser(session: Session): TemplateResult {
    return html`<span part="user">
      <span class="name">${session.user.name}</span>
      <span class="weak">${session.user.username} · device ${shortDevice(session.device)}</span>
    </span>`
  }

  #renderUnsynced(count: number): TemplateResult {
    const changes = this.#session.unsynced ?? []
    return html`<div
      part="dialog"
      role="alertdialog"
      aria-labelledby="unsynced-title"
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') this.#session.keepSession()
      }}
    >
      <h2 id="unsynced-title">
        Changes to ${count === 1 ? '1 record are' : `${count} records are`} not synced yet
      </h2>
      <p>Signing out now deletes them from this device. Go online to send them first.</p>
      <ul>
        ${changes.map((c) => {
          const described = this.#session.descriptions.get(c.sobject)
          const object = described?.label ?? c.sobject
          const fields = c.fields.map((f) => fieldLabel(f.field, described?.schema.fields[f.field]))
          return html`<li>
            <strong>${displayName(c.name, c.key, object, pendingValues(c.fields))}</strong>
            (${object}): ${fields.join(', ') || OPERATION_WORDS[c.operation ?? 'update']}
          </li>`
        })}
      </ul>
      <div class="actions">
        <button class="brand" @click=${() => this.#session.keepSession()}>Keep working</button>
        <button class="destructive" @click=${() => void this.#session.discardAndSignOut()}>
          Discard and sign out
        </button>
      </div>
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-session': BriefcaseSession
  }
}
