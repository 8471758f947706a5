import type { BriefcaseClient } from '@briefcase/client'
import { isDraftKey } from '@briefcase/record'
import { LitElement, css, html, nothing } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { LookupController } from './controllers/lookup-controller.js'
import { LookupSelectEvent } from './events/lookup-select-event.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/** Wait after the last keystroke before searching, ms. */
const SEARCH_DELAY = 150

/**
 * A lookup field: type part of a record's name, pick it from the list (the relay's matches when
 * online, cached records always, including records created offline and not yet in Salesforce).
 * Keyboard: ↓/↑ move through the matches, Enter picks, Escape closes; clearing the text and
 * leaving the field clears the lookup.
 *
 * @summary Lookup by name (combobox).
 *
 * @fires briefcase-lookup-select - A record was picked or the lookup cleared (`LookupSelectEvent`: `id`, `name`).
 *
 * @csspart input - The text input (role `combobox`).
 * @csspart listbox - The list of matches.
 * @csspart option - One match.
 *
 * @cssprop [--briefcase-lookup-listbox-background=#ffffff] - Background of the list of matches.
 */
@customElement('briefcase-lookup')
export class BriefcaseLookup extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    css`
      :host {
        display: block;
        position: relative;
      }
      [part='listbox'] {
        position: absolute;
        z-index: 10;
        inset-inline: 0;
        top: 100%;
        margin: 2px 0 0;
        padding: var(--_space-1) 0;
        list-style: none;
        max-height: 14rem;
        overflow: auto;
        background: var(--briefcase-lookup-listbox-background, var(--_surface));
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        box-shadow: 0 2px 3px 0 rgba(0, 0, 0, 0.16);
      }
      [part='option'] {
        padding: var(--_space-1) var(--_space-3);
        cursor: pointer;
      }
      [part='option'][aria-selected='true'],
      [part='option']:hover {
        background: var(--_surface-alt);
      }
      .empty {
        padding: var(--_space-1) var(--_space-3);
      }
    `,
  ]

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  }

  /** A client to use instead of the one `<briefcase-session>` provides. */
  @property({ attribute: false }) client: BriefcaseClient | undefined
  /** The object looked up (API name), e.g. `Account`. */
  @property() sobject = ''
  /** The picked record's Id (or draft key), or `null`. */
  @property() value: string | null = null
  /** The accessible name of the input. */
  @property() label = ''
  @property({ type: Boolean }) readonly = false
  @property({ type: Boolean }) required = false

  @state() private query: string | null = null
  @state() private open = false
  @state() private active = -1
  @state() private valueName: string | null = null

  #lookup = new LookupController(this)
  #timer: ReturnType<typeof setTimeout> | undefined

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#lookup.useClient(this.client)
    if (changed.has('value') || changed.has('sobject')) {
      void this.#resolveName(changed.get('value') ?? null)
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearTimeout(this.#timer)
  }

  async #resolveName(previous: string | null): Promise<void> {
    const value = this.value
    if (!value) {
      this.valueName = null
      return
    }
    const known = this.valueName
    const name = await this.#lookup.nameOf(this.sobject, value)
    if (value !== this.value) return
    // A draft key replaced by a Salesforce Id is the same record, now created: the cache lists
    // it under its draft key, so keep the name it had.
    const created = previous !== null && isDraftKey(previous) && !isDraftKey(value)
    this.valueName = name ?? (created ? known : null)
  }

  #onInput(event: Event): void {
    this.query = (event.target as HTMLInputElement).value
    this.open = true
    this.active = -1
    clearTimeout(this.#timer)
    const query = this.query
    this.#timer = setTimeout(() => void this.#lookup.search(this.sobject, query), SEARCH_DELAY)
  }

  #onKeydown(event: KeyboardEvent): void {
    const matches = this.#lookup.matches
    if (event.key === 'ArrowDown') {
      event.preventDefault()
      if (!this.open) {
        this.open = true
        void this.#lookup.search(this.sobject, this.query ?? '')
      }
      this.active = Math.min(this.active + 1, matches.length - 1)
    } else if (event.key === 'ArrowUp') {
      event.preventDefault()
      this.active = Math.max(this.active - 1, 0)
    } else if (event.key === 'Enter' && this.open && this.active >= 0) {
      event.preventDefault()
      const match = matches[this.active]
      if (match) this.#pick(match.id, match.name)
    } else if (event.key === 'Escape' && this.open) {
      event.preventDefault()
      this.#close()
    }
  }

  #onBlur(): void {
    if (this.query === '' && this.value) this.#pick(null, null)
    else this.#close()
  }

  #pick(id: string | null, name: string | null): void {
    this.valueName = name
    this.#close()
    this.dispatchEvent(new LookupSelectEvent(id, name))
  }

  #close(): void {
    this.open = false
    this.active = -1
    this.query = null
    this.#lookup.clear()
  }

  protected override render(): TemplateResult {
    const matches = this.#lookup.matches
    const shown = this.query ?? this.valueName ?? this.value ?? ''
    const activeId = this.active >= 0 ? `option-${this.active}` : undefined
    return html`<input
        part="input"
        type="text"
        role="combobox"
        aria-label=${this.label}
        aria-autocomplete="list"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="listbox"
        aria-activedescendant=${activeId ?? nothing}
        autocomplete="off"
        placeholder=${this.readonly ? '' : `Search ${this.sobject}s…`}
        .value=${shown}
        ?readonly=${this.readonly}
        ?required=${this.required}
        @input=${this.#onInput}
        @keydown=${this.#onKeydown}
        @blur=${this.#onBlur}
      />
      ${
        this.open
          ? html`<ul part="listbox" id="listbox" role="listbox" aria-label="${this.label} matches">
              ${
                matches.length === 0
                  ? html`<li class="empty weak" role="presentation">
                      ${this.#lookup.searching ? 'Searching…' : 'No matches'}
                    </li>`
                  : matches.map(
                      (m, i) =>
                        html`<li
                          part="option"
                          id="option-${i}"
                          role="option"
                          aria-selected=${i === this.active ? 'true' : 'false'}
                          @pointerdown=${(e: Event) => {
                            e.preventDefault()
                            this.#pick(m.id, m.name)
                          }}
                        >
                          ${m.name}
                        </li>`,
                    )
              }
            </ul>`
          : nothing
      }`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-lookup': BriefcaseLookup
  }
}
