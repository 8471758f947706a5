import type { BriefcaseClient } from '@briefcase/client'
import type { FieldSchema, FieldValue } from '@briefcase/record'
import { LitElement, css, html, nothing } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import type { QuickAction } from './client-types.js'
import { CreateController } from './controllers/create-controller.js'
import { OpenRecordEvent } from './events/open-record-event.js'
import { RecordCreatedEvent } from './events/record-created-event.js'
import { renderFieldEditor } from './fields/field-editor.js'
import { isRequired, visibleFields } from './fields/visible-fields.js'
import { fieldLabel } from './format/field-value.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/**
 * The "+" menu: the objects the org has a `<Object>.create` quick action for, and a create form
 * built from the object's schema. Works offline: the record gets a draft key, references to it
 * (a Contact's Account) reach Salesforce as the real Id once it is created.
 *
 * Keyboard: Enter, Space or ↓ opens the menu; ↑/↓ move, Home/End go to the first and last;
 * Enter picks; Escape closes the menu or the form, and focus returns to the "+" button.
 *
 * @summary "+" menu of create actions and the create form.
 *
 * @fires briefcase-record-created - A record was created (`RecordCreatedEvent`: `doc`, `sobject`).
 * @fires briefcase-open-record - Asks to show the new record (`OpenRecordEvent`: `doc`).
 *
 * @csspart button - The "+" button.
 * @csspart menu - The menu of create actions.
 * @csspart menuitem - One create action.
 * @csspart dialog - The create form's dialog.
 * @csspart form - The create form.
 *
 * @cssprop [--briefcase-create-button-background=#0176d3] - Background of the "+" button.
 * @cssprop [--briefcase-create-dialog-width=36rem] - Width of the create form.
 */
@customElement('briefcase-create')
export class BriefcaseCreate extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    css`
      :host {
        display: inline-block;
        position: relative;
      }
      [part='button'] {
        min-width: 2rem;
        padding: 0 var(--_space-2);
        font-size: 1.125rem;
        font-weight: 700;
        background: var(--briefcase-create-button-background, var(--_brand));
        border-color: var(--briefcase-create-button-background, var(--_brand));
        color: var(--_text-inverse);
      }
      [part='button']:hover {
        background: var(--_brand-dark);
      }
      [part='button']:disabled {
        background: #c9c9c9;
        border-color: #c9c9c9;
      }
      [part='menu'] {
        position: absolute;
        z-index: 20;
        inset-inline-end: 0;
        top: 100%;
        min-width: 12rem;
        margin: 2px 0 0;
        padding: var(--_space-1) 0;
        list-style: none;
        background: var(--_surface);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        box-shadow: 0 2px 3px 0 rgba(0, 0, 0, 0.16);
      }
      [part='menuitem'] {
        display: block;
        width: 100%;
        border: none;
        border-radius: 0;
        justify-content: flex-start;
        text-align: start;
        color: var(--_text);
      }
      [part='menuitem']:focus-visible {
        background: var(--_surface-alt);
        box-shadow: none;
      }
      dialog {
        width: min(var(--briefcase-create-dialog-width, 36rem), calc(100vw - 2rem));
        padding: 0;
        border: none;
        border-radius: var(--_radius);
        box-shadow: 0 2px 8px rgba(0, 0, 0, 0.3);
        color: var(--_text);
      }
      dialog::backdrop {
        background: rgba(8, 7, 7, 0.6);
      }
      dialog h2 {
        padding: var(--_space-4);
        border-bottom: 1px solid var(--_border);
        text-align: center;
      }
      [part='form'] {
        display: grid;
        gap: var(--_space-3);
        padding: var(--_space-4);
        max-height: 60vh;
        overflow: auto;
      }
      .field label {
        display: block;
        color: var(--_text-weak);
        font-size: var(--_font-size-small);
        margin-bottom: var(--_space-1);
      }
      .field-error {
        margin: var(--_space-1) 0 0;
        color: var(--_error);
        font-size: var(--_font-size-small);
      }
      footer {
        display: flex;
        justify-content: flex-end;
        gap: var(--_space-2);
        padding: var(--_space-3) var(--_space-4);
        background: var(--_surface-alt);
        border-top: 1px solid var(--_border);
      }
    `,
  ]

  /** A client to use instead of the one `<briefcase-session>` provides. */
  @property({ attribute: false }) client: BriefcaseClient | undefined

  @state() private menuOpen = false
  @state() private action: QuickAction | null = null
  @state() private values: Record<string, FieldValue> = {}
  @state() private errors: Record<string, string> = {}

  @query('dialog') private dialog!: HTMLDialogElement | null
  @query('[part="button"]') private button!: HTMLButtonElement | null

  #create = new CreateController(this)

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#create.useClient(this.client)
  }

  /** Opens the create form of an object (as picking it in the menu does). */
  async start(sobject: string): Promise<void> {
    const action = this.#create.actions.find((a) => a.sobject === sobject) ?? {
      name: `${sobject}.create`,
      sobject,
      label: `New ${sobject}`,
    }
    this.menuOpen = false
    this.action = action
    this.values = {}
    this.errors = {}
    await this.updateComplete
    this.dialog?.showModal()
    await this.#create.describe(sobject)
    this.requestUpdate()
    await this.updateComplete
    this.renderRoot.querySelector<HTMLElement>('[part="form"] input, [part="form"] select')?.focus()
  }

  #toggleMenu(open = !this.menuOpen): void {
    this.menuOpen = open
    if (open) {
      void this.updateComplete.then(() => this.#items()[0]?.focus())
    }
  }

  #items(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[part="menuitem"]')]
  }

  #onMenuKeydown(event: KeyboardEvent): void {
    const items = this.#items()
    const at = items.indexOf(this.renderRoot.querySelector(':focus') as HTMLElement)
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      items[(at + step + items.length) % items.length]?.focus()
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault()
      items[event.key === 'Home' ? 0 : items.length - 1]?.focus()
    } else if (event.key === 'Escape' || event.key === 'Tab') {
      this.menuOpen = false
      if (event.key === 'Escape') this.button?.focus()
    }
  }

  #close(): void {
    this.dialog?.close()
    this.action = null
  }

  /** The form closed (Cancel, Escape or saved): focus returns to the "+" button. */
  #closed(): void {
    this.action = null
    this.button?.focus()
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault()
    const action = this.action
    const description = this.#create.description
    if (!action || !description) return
    const errors: Record<string, string> = {}
    for (const field of visibleFields(description.schema, [], true)) {
      const value = this.values[field.name]
      if (isRequired(field) && (value === undefined || value === null || value === '')) {
        errors[field.name] = 'Complete this field.'
      }
    }
    this.errors = errors
    if (Object.keys(errors).length > 0) return
    const values = Object.fromEntries(
      Object.entries(this.values).filter(([, value]) => value !== null && value !== ''),
    )
    const doc = await this.#create.create(action.sobject, values)
    if (!doc) return
    this.#close()
    this.dispatchEvent(new RecordCreatedEvent(doc, action.sobject))
    this.dispatchEvent(new OpenRecordEvent(doc))
  }

  protected override render(): TemplateResult {
    const actions = this.#create.actions
    return html`
      <button
        part="button"
        aria-label="New record"
        title="New record"
        aria-haspopup="menu"
        aria-expanded=${this.menuOpen ? 'true' : 'false'}
        aria-controls="menu"
        ?disabled=${!this.#create.signedIn}
        @click=${() => this.#toggleMenu()}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault()
            this.#toggleMenu(true)
          }
        }}
      >
        +
      </button>
      ${
        this.menuOpen
          ? html`<ul
              part="menu"
              id="menu"
              role="menu"
              aria-label="New record"
              @keydown=${this.#onMenuKeydown}
              @focusout=${(e: FocusEvent) => {
                const next = e.relatedTarget as Node | null
                if (!next || !this.renderRoot.contains(next)) this.menuOpen = false
              }}
            >
              ${
                actions.length === 0
                  ? html`<li role="none" class="weak" style="padding: 0 var(--_space-3)">
                      ${this.#create.error ?? 'No create actions'}
                    </li>`
                  : actions.map(
                      (a) =>
                        html`<li role="none">
                          <button
                            part="menuitem"
                            role="menuitem"
                            tabindex="-1"
                            @click=${() => void this.start(a.sobject)}
                          >
                            ${a.label}
                          </button>
                        </li>`,
                    )
              }
            </ul>`
          : nothing
      }
      <dialog part="dialog" aria-labelledby="dialog-title" @close=${() => this.#closed()}>
        ${this.action ? this.#renderForm(this.action) : nothing}
      </dialog>
    `
  }

  #renderForm(action: QuickAction): TemplateResult {
    const description = this.#create.description
    return html`<form @submit=${(e: Event) => void this.#save(e)}>
      <h2 id="dialog-title">${action.label}</h2>
      <div part="form">
        ${this.#create.error ? html`<p class="notice error" role="alert">${this.#create.error}</p>` : nothing}
        ${
          description
            ? visibleFields(description.schema, [], true).map((field) => this.#renderField(field))
            : html`<p class="weak" role="status">Loading the form…</p>`
        }
      </div>
      <footer>
        <button type="button" @click=${() => this.#close()}>Cancel</button>
        <button type="submit" class="brand" ?disabled=${!description || this.#create.saving}>
          Save
        </button>
      </footer>
    </form>`
  }

  #renderField(field: FieldSchema): TemplateResult {
    const id = `new-${field.name}`
    const error = this.errors[field.name]
    const required = isRequired(field)
    return html`<div class="field" data-field=${field.name}>
      <label for=${id}
        >${required ? html`<abbr class="required" title="required">* </abbr>` : nothing}${fieldLabel(
          field.name,
          field,
        )}</label
      >
      ${renderFieldEditor({
        field,
        value: this.values[field.name] ?? null,
        id,
        readonly: false,
        required,
        describedBy: error ? `err-${field.name}` : undefined,
        invalid: error !== undefined,
        live: true,
        commit: (value) => {
          this.values = { ...this.values, [field.name]: value }
          this.errors = Object.fromEntries(
            Object.entries(this.errors).filter(([name]) => name !== field.name),
          )
        },
        refuse: (message) => {
          this.errors = { ...this.errors, [field.name]: message }
        },
      })}
      ${error ? html`<p class="field-error" id="err-${field.name}">${error}</p>` : nothing}
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-create': BriefcaseCreate
  }
}
