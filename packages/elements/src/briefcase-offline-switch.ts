import type { BriefcaseClient } from '@briefcase/client'
import { LitElement, css, html } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { StatusController } from './controllers/status-controller.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/** Where `remember` keeps the choice (per browser profile, which is per device). */
const STORAGE_KEY = 'briefcase:work-offline'

/**
 * A "Work offline" switch for this device: on, the client stops all network use (live
 * connections close, nothing syncs) and edits stay on the device; off, it reconnects and syncs.
 * Useful to try Briefcase offline without pulling a cable. With `remember`, the choice survives
 * reloads (kept in `localStorage`): a device working offline stays offline when the page reloads.
 *
 * @summary Per-device "work offline" switch.
 *
 * @csspart switch - The switch button (role `switch`).
 * @csspart track - The switch's track.
 * @csspart label - The switch's text.
 *
 * @cssprop [--briefcase-offline-switch-on-color=#0176d3] - Track colour while working offline (checked: the brand colour, as the SLDS toggle).
 * @cssprop [--briefcase-offline-switch-off-color=#747474] - Track colour while not working offline (unchecked: grey).
 */
@customElement('briefcase-offline-switch')
export class BriefcaseOfflineSwitch extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    css`
      :host {
        display: inline-block;
      }
      [part='switch'] {
        gap: var(--_space-2);
        padding: 0 var(--_space-2);
        color: var(--_text);
        border-color: transparent;
        background: none;
      }
      [part='track'] {
        position: relative;
        width: 2.25rem;
        height: 1.25rem;
        border-radius: 1rem;
        background: var(--briefcase-offline-switch-off-color, #747474);
        transition: background 0.15s;
      }
      [part='track']::after {
        content: '';
        position: absolute;
        top: 0.125rem;
        left: 0.125rem;
        width: 1rem;
        height: 1rem;
        border-radius: 50%;
        background: var(--_surface);
        transition: transform 0.15s;
      }
      [aria-checked='true'] [part='track'] {
        background: var(--briefcase-offline-switch-on-color, var(--_brand));
      }
      [aria-checked='true'] [part='track']::after {
        transform: translateX(1rem);
      }
    `,
  ]

  /** A client to use instead of the one `<briefcase-session>` provides. */
  @property({ attribute: false }) client: BriefcaseClient | undefined

  /** Keep the choice across reloads of this browser profile (this device). */
  @property({ type: Boolean }) remember = false

  #status = new StatusController(this)
  /** The client the remembered choice was applied to. */
  #restoredFor: BriefcaseClient | null = null

  /** True while this device works offline. */
  get offline(): boolean {
    return this.#status.status?.forcedOffline ?? false
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#status.useClient(this.client)
    const client = this.#status.client
    if (this.remember && client && client !== this.#restoredFor) {
      this.#restoredFor = client
      if (window.localStorage.getItem(STORAGE_KEY) === 'true') this.#status.goOffline()
    }
  }

  /** Turns working offline on or off. */
  async toggle(offline: boolean = !this.offline): Promise<void> {
    if (this.remember) window.localStorage.setItem(STORAGE_KEY, String(offline))
    if (offline) this.#status.goOffline()
    else await this.#status.goOnline()
  }

  protected override render(): TemplateResult {
    const offline = this.offline
    return html`<button
      part="switch"
      role="switch"
      aria-checked=${offline ? 'true' : 'false'}
      ?disabled=${!this.#status.client}
      @click=${() => void this.toggle()}
    >
      <span part="track" aria-hidden="true"></span>
      <span part="label">Work offline</span>
    </button>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-offline-switch': BriefcaseOfflineSwitch
  }
}
