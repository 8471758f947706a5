import type { BriefcaseClient } from '@briefcase/client'
import { LitElement, css, html, nothing } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { OfflineItem } from './client-types.js'
import { PreferencesController } from './controllers/preferences-controller.js'
import { RovingFocusController } from './controllers/roving-focus-controller.js'
import { PreferenceRefusedEvent, PreferencesSavedEvent } from './events/preferences-events.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/** Headings of the kinds of offline items, in the order they are listed. */
const KINDS: readonly (readonly [OfflineItem['kind'], string])[] = [
  ['object', 'Objects'],
  ['listView', 'List views'],
  ['briefcase', 'Briefcases'],
  ['myTasks', 'Tasks'],
  ['dashboard', 'Dashboards'],
]

/**
 * Offline Preferences, as in the Salesforce mobile app: choose up to 7 items to have offline
 * from what the org offers (objects, list views, briefcase filters, My Tasks, dashboards). An 8th
 * choice is refused. With no choice the default cache applies (30 recent records of each of the 5
 * most recent objects, My Tasks and 5 recent dashboards), and saving a choice replaces it.
 *
 * @summary Offline Preferences: up to 7 items, replacing the default cache.
 *
 * @fires briefcase-preferences-saved - Saved and refreshed (`PreferencesSavedEvent`: `items`, `result`).
 * @fires briefcase-preference-refused - An item beyond the limit was refused (`PreferenceRefusedEvent`: `item`, `max`).
 *
 * @csspart header - The heading and the count of chosen items.
 * @csspart group - The items of one kind.
 * @csspart item - One item's checkbox and label.
 * @csspart default-policy - The description of the default cache (shown with no choice).
 * @csspart save - The Save button.
 *
 * @cssprop [--briefcase-preferences-background=#ffffff] - Background of the card.
 * @cssprop [--briefcase-preferences-border=#c9c9c9] - Border colour of the card.
 * @cssprop [--briefcase-preferences-max-height=24rem] - Height past which the item list scrolls.
 */
@customElement('briefcase-preferences')
export class BriefcasePreferences extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    css`
      :host {
        display: block;
        background: var(--briefcase-preferences-background, var(--_surface));
        border: 1px solid var(--briefcase-preferences-border, var(--_border));
        border-radius: var(--_radius);
        padding: var(--_space-3) var(--_space-4);
      }
      [part='header'] {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: var(--_space-2);
        justify-content: space-between;
      }
      .items {
        max-height: var(--briefcase-preferences-max-height, 24rem);
        overflow: auto;
        overscroll-behavior: contain;
      }
      fieldset {
        border: none;
        margin: var(--_space-3) 0 0;
        padding: 0;
      }
      legend {
        font-weight: 700;
        padding: 0;
      }
      label {
        display: flex;
        align-items: flex-start;
        gap: var(--_space-2);
        padding: var(--_space-1) 0;
        cursor: pointer;
      }
      label input {
        margin-top: 0.2rem;
        flex: none;
      }
      .description {
        display: block;
        font-size: var(--_font-size-small);
      }
      .notice {
        margin: var(--_space-3) 0 0;
      }
      .footer {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--_space-2);
        margin-top: var(--_space-3);
      }
    `,
  ]

  /** A client to use instead of the one `<briefcase-session>` provides. */
  @property({ attribute: false }) client: BriefcaseClient | undefined

  /** Most items that can be chosen (Salesforce's limit). */
  @property({ type: Number }) max = 7

  /** The chosen items, while they differ from the saved ones. */
  @state() private chosen: string[] | null = null
  @state() private refused: string | null = null
  @state() private savedMessage: string | null = null

  #prefs = new PreferencesController(this)
  #roving = new RovingFocusController(this, () => [
    ...this.renderRoot.querySelectorAll<HTMLElement>('[part=item] input'),
  ])

  /** The items chosen on screen (saved or not). */
  get selection(): readonly string[] {
    return this.chosen ?? this.#prefs.saved
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#prefs.useClient(this.client)
  }

  /** Chooses or unchooses an item; choosing beyond `max` is refused (and returns `false`). */
  choose(id: string, on: boolean): boolean {
    const current = this.selection
    if (on && !current.includes(id) && current.length >= this.max) {
      this.refused = id
      this.dispatchEvent(new PreferenceRefusedEvent(id, this.max))
      return false
    }
    this.refused = null
    this.savedMessage = null
    this.chosen = on ? [...new Set([...current, id])] : current.filter((i) => i !== id)
    return true
  }

  /** Saves the chosen items; the cache is replaced by what they bring. */
  async save(): Promise<void> {
    const items = [...this.selection]
    const result = await this.#prefs.save(items)
    if (!result) return
    this.chosen = null
    this.refused = null
    this.savedMessage = items.length
      ? `Saved. The cache now holds the records of your ${items.length} offline ${items.length === 1 ? 'item' : 'items'} (${result.added} added, ${result.removed} removed).`
      : `Saved. The default cache applies again (${result.added} added, ${result.removed} removed).`
    this.dispatchEvent(new PreferencesSavedEvent(items, result))
  }

  #onChange(event: Event, id: string): void {
    const input = event.target as HTMLInputElement
    if (!this.choose(id, input.checked)) input.checked = false
  }

  protected override render(): TemplateResult {
    const prefs = this.#prefs
    const selection = this.selection
    const dirty = this.chosen !== null && !sameItems(this.chosen, prefs.saved)
    return html`
      <div part="header">
        <h2>Offline preferences</h2>
        <span class="weak" aria-live="polite">${selection.length} of ${this.max} chosen</span>
      </div>
      ${prefs.error ? html`<p class="notice error" role="alert">${prefs.error}</p>` : nothing}
      ${
        this.refused
          ? html`<p class="notice error" role="alert">
              You can choose up to ${this.max} offline items. Remove one to add another.
            </p>`
          : nothing
      }
      ${
        prefs.loaded && prefs.items.length === 0
          ? html`<p class="weak">The org offers no offline items.</p>`
          : nothing
      }
      <div class="items" @keydown=${this.#roving.keydown} @focusin=${this.#roving.focusin}>
        ${KINDS.map(([kind, heading]) => this.#renderGroup(kind, heading, selection))}
      </div>
      ${
        selection.length === 0
          ? html`<p part="default-policy" class="notice info">
              No items chosen, so the default cache applies: up to 30 recently used records of each
              of your 5 most recently used objects, the tasks under My Tasks, and your 5 most
              recently used dashboards.
            </p>`
          : nothing
      }
      ${dirty ? this.#renderReplaceNotice(selection.length) : nothing}
      <div class="footer">
        <button
          part="save"
          class="brand"
          ?disabled=${!dirty || prefs.saving}
          @click=${() => void this.save()}
        >
          ${prefs.saving ? 'Saving and refreshing…' : 'Save'}
        </button>
        ${
          dirty
            ? html`<button
                @click=${() => {
                  this.chosen = null
                  this.refused = null
                }}
              >
                Cancel
              </button>`
            : nothing
        }
        ${this.savedMessage ? html`<span role="status">${this.savedMessage}</span>` : nothing}
      </div>
    `
  }

  #renderReplaceNotice(count: number): TemplateResult {
    const replacesDefault = this.#prefs.saved.length === 0
    return html`<p class="notice warning" role="note">
      ${
        count === 0
          ? 'Saving removes your offline items: the default cache replaces their records.'
          : replacesDefault
            ? 'Saving replaces the default cache: only the records of these items stay offline.'
            : 'Saving replaces the cache with the records of these items.'
      }
    </p>`
  }

  #renderGroup(
    kind: OfflineItem['kind'],
    heading: string,
    selection: readonly string[],
  ): TemplateResult | typeof nothing {
    const items = this.#prefs.items.filter((item) => item.kind === kind)
    if (items.length === 0) return nothing
    return html`<fieldset part="group">
      <legend>${heading}</legend>
      ${items.map(
        (item) =>
          html`<label part="item">
            <input
              type="checkbox"
              .checked=${selection.includes(item.id)}
              aria-describedby=${item.description ? `desc-${item.id}` : nothing}
              @change=${(event: Event) => this.#onChange(event, item.id)}
            />
            <span>
              ${item.label}
              ${
                item.description
                  ? html`<span class="description weak" id="desc-${item.id}"
                      >${item.description}</span
                    >`
                  : nothing
              }
            </span>
          </label>`,
      )}
    </fieldset>`
  }
}

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item))
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-preferences': BriefcasePreferences
  }
}
