import type { BriefcaseClient, PendingChangeView } from '@briefcase/client'
import type { FieldSchema, FieldValue } from '@briefcase/record'
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import type { CSSResultGroup, PropertyValues, TemplateResult } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { selectionContext } from './context/client-context.js'
import type { RecordSelection } from './context/client-context.js'
import { RecordController } from './controllers/record-controller.js'
import { recordDeleteStyles, renderDeleteDialog, renderDeleted } from './record/record-delete.js'
import { FieldChangeEvent } from './events/field-change-event.js'
import { renderFieldEditor } from './fields/field-editor.js'
import { isRequired, visibleFields } from './fields/visible-fields.js'
import { displayName } from './format/display-name.js'
import { fieldLabel } from './format/field-value.js'
import { controls } from './styles/controls.js'
import { tokens } from './styles/tokens.js'

/**
 * A record, viewed and edited offline or online, with a form built from the object's schema:
 * text, picklist, number, currency, date, date-time, checkbox, lookup by name and long text. Long
 * text is shared live with other devices (their carets show); every other field is last-writer
 * wins by edit time. Fields whose value Salesforce does not have yet carry a "Not yet in
 * Salesforce" mark; fields the user may not edit are read-only. Edits are stored on the device
 * when the field is left (or at each keystroke for long text) and reach Salesforce when online.
 *
 * Without `doc` it shows the record selected in its `<briefcase-session>` (by the cache, the
 * pending list or the "+" menu).
 *
 * @summary View and edit a record, offline or online.
 *
 * @fires briefcase-field-change - A field edit is stored on the device (`FieldChangeEvent`: `doc`, `field`, `value`).
 *
 * @csspart header - The record's name, object and state.
 * @csspart form - The grid of fields.
 * @csspart field - One field (label, control, mark, error).
 * @csspart pending-mark - The "Not yet in Salesforce" mark of a field.
 * @csspart unsaved-mark - The "Not saved" mark of a field the device had no room to store.
 * @csspart failure - Salesforce's refusal of this record's change.
 * @csspart sync-error - Why the relay stopped syncing this record ("You no longer have access").
 * @csspart storage-full - The message naming the edit the device had no room to store.
 * @csspart delete - The Delete button.
 * @csspart delete-dialog - The confirmation asked before deleting.
 * @csspart deleted - The notice of a deleted record, with Undo while the delete is on the device.
 *
 * @cssprop [--briefcase-record-background=#ffffff] - Background of the card.
 * @cssprop [--briefcase-record-border=#c9c9c9] - Border colour of the card.
 * @cssprop [--briefcase-record-pending-accent=#8c4b02] - Accent of fields not yet in Salesforce.
 * @cssprop [--briefcase-record-columns=2] - Columns of the form at wide widths.
 */
@customElement('briefcase-record')
export class BriefcaseRecord extends LitElement {
  static override styles: CSSResultGroup = [
    tokens,
    controls,
    recordDeleteStyles,
    css`
      :host {
        display: block;
        container-type: inline-size;
        background: var(--briefcase-record-background, var(--_surface));
        border: 1px solid var(--briefcase-record-border, var(--_border));
        border-radius: var(--_radius);
        padding: var(--_space-3) var(--_space-4);
      }
      [part='header'] {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--_space-2);
        padding-bottom: var(--_space-3);
        border-bottom: 1px solid var(--_border);
      }
      .object {
        display: block;
        color: var(--_text-weak);
        font-size: var(--_font-size-small);
      }
      .name {
        font-size: 1.125rem;
        font-weight: 700;
        margin: 0;
      }
      .titles {
        margin-inline-end: auto;
        min-width: 0;
      }
      [part='form'] {
        display: grid;
        grid-template-columns: repeat(var(--briefcase-record-columns, 2), minmax(0, 1fr));
        gap: var(--_space-3) var(--_space-4);
        margin-top: var(--_space-3);
      }
      @container (max-width: 32rem) {
        [part='form'] {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      [part='field'] {
        min-width: 0;
        border-left: 3px solid transparent;
        padding-left: var(--_space-2);
      }
      [part='field'].wide {
        grid-column: 1 / -1;
      }
      [part='field'].pending {
        border-left-color: var(--briefcase-record-pending-accent, var(--_warning));
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space-2);
        align-items: center;
        margin-bottom: var(--_space-1);
      }
      .head label {
        color: var(--_text-weak);
        font-size: var(--_font-size-small);
      }
      .field-error {
        margin: var(--_space-1) 0 0;
        color: var(--_error);
        font-size: var(--_font-size-small);
      }
      [part='failure'] {
        margin-top: var(--_space-3);
      }
    `,
  ]

  /** A client to use instead of the one `<briefcase-session>` provides. */
  @property({ attribute: false }) client: BriefcaseClient | undefined

  /** The record to show, `<SObject>/<key>`; empty: the record selected in the session. */
  @property() doc = ''

  /** Only these fields (comma-separated API names), in this order; empty: every field. */
  @property() fields = ''

  @consume({ context: selectionContext, subscribe: true })
  @state()
  private selection: RecordSelection | undefined

  #record = new RecordController(this)
  #focusField: string | null = null
  /** Controls to focus after the next render (the first present), by part name. */
  #focusParts: string[] = []

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.#record.useClient(this.client)
    const selectionChanged = (changed as Map<PropertyKey, unknown>).has('selection')
    if (selectionChanged && !this.doc) this.#focusField = this.selection?.field ?? null
    this.#record.doc = this.doc || this.selection?.doc || undefined
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed)
    const part = this.#focusParts.find((p) => this.renderRoot.querySelector(`[part='${p}']`))
    if (part) {
      this.renderRoot.querySelector<HTMLElement>(`[part='${part}']`)?.focus()
      this.#focusParts = []
    }
    const field = this.#focusField
    if (!field || !this.#record.handle) return
    const control = this.renderRoot.querySelector<HTMLElement>(
      `[data-field="${field}"] #f-${field}`,
    )
    if (!control) return
    this.#focusField = null
    control.scrollIntoView({ block: 'nearest' })
    control.focus()
  }

  #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector<HTMLDialogElement>('[part=delete-dialog]')
  }

  async #confirmDelete(): Promise<void> {
    this.#dialog()?.close()
    // Set before the delete: the render that shows the deleted record focuses Undo.
    this.#focusParts = ['undo-delete', 'deleted']
    if (!(await this.#record.delete())) this.#focusParts = []
  }

  async #undoDelete(): Promise<void> {
    this.#focusParts = ['delete']
    if (!(await this.#record.undoDelete())) this.#focusParts = []
  }

  async #commit(field: FieldSchema, value: FieldValue): Promise<void> {
    const doc = this.#record.doc
    if (!doc) return
    if (await this.#record.set(field.name, value)) {
      this.dispatchEvent(new FieldChangeEvent(doc, field.name, this.#record.get(field.name)))
    }
  }

  protected override render(): TemplateResult {
    const record = this.#record
    const handle = record.handle
    if (!record.signedIn) return html`<p class="weak">Sign in to see records.</p>`
    if (!record.doc) {
      return html`<p class="weak">Choose a record in the cache, or create one, to see it here.</p>`
    }
    if (!handle) {
      return record.error
        ? html`<p class="notice error" role="alert">${record.error}</p>`
        : html`<p class="weak" role="status">Opening the record…</p>`
    }
    const pending = record.pending
    const draft = handle.document.salesforceId() === null
    const deleted = handle.isDeleted()
    const only = this.fields ? this.fields.split(',').map((f) => f.trim()) : []
    const name = displayName(handle.name(), handle.key, handle.schema.label, handle.values())
    return html`
      <div part="header">
        <div class="titles">
          <span class="object">${handle.schema.label}</span>
          <h2 class="name">${name}</h2>
        </div>
        ${handle.live ? html`<span class="badge success">Live</span>` : nothing}
        ${draft ? html`<span class="badge warning">New, not yet in Salesforce</span>` : nothing}
        ${
          pending && pending.fields.length > 0 && !draft
            ? html`<span class="badge warning">
                ${pending.fields.length} ${pending.fields.length === 1 ? 'change' : 'changes'} not
                yet in Salesforce
              </span>`
            : nothing
        }
        ${deleted ? html`<span class="badge error">Deleted</span>` : nothing}
        ${
          deleted || handle.schema.deletable === false
            ? nothing
            : html`<button
                part="delete"
                class="destructive"
                aria-haspopup="dialog"
                @click=${() => this.#dialog()?.showModal()}
              >
                Delete
              </button>`
        }
      </div>
      ${
        deleted
          ? this.#renderDeleted()
          : renderDeleteDialog({
              name,
              cancel: () => this.#dialog()?.close(),
              confirm: () => void this.#confirmDelete(),
              closed: () => this.renderRoot.querySelector<HTMLElement>('[part=delete]')?.focus(),
            })
      }
      ${record.error ? html`<p class="notice error" role="alert">${record.error}</p>` : nothing}
      ${
        handle.syncError
          ? html`<p part="sync-error" class="notice error" role="alert">
              ${handle.syncError.message}
            </p>`
          : nothing
      }
      ${this.#renderFailure(pending)} ${this.#renderStorageFull()}
      <div part="form">
        ${visibleFields(handle.schema.schema, only).map((field) =>
          this.#renderField(field, pending),
        )}
      </div>
    `
  }

  #renderDeleted(): TemplateResult {
    const record = this.#record
    return renderDeleted({
      mine: record.pending?.operation === 'delete',
      canUndo: record.canUndoDelete,
      undo: () => void this.#undoDelete(),
    })
  }

  #renderFailure(pending: PendingChangeView | null): TemplateResult | typeof nothing {
    if (pending?.state !== 'failed' || !pending.error) return nothing
    return html`<p part="failure" class="notice error" role="alert">
      Salesforce refused the last change: ${pending.error.message} Fix the field and it is sent
      again.
    </p>`
  }

  #renderStorageFull(): TemplateResult | typeof nothing {
    const handle = this.#record.handle
    const unsaved = [...this.#record.unsaved]
    if (!handle || unsaved.length === 0) return nothing
    const fields = handle.schema.schema.fields
    const labels = unsaved.map((name) => fieldLabel(name, fields[name]))
    const name = displayName(handle.name(), handle.key, handle.schema.label, handle.values())
    return html`<p part="storage-full" class="notice error" role="alert">
      This device is out of storage: your change to ${labels.join(', ')} of ${name} could not be
      stored. It stays on screen, marked Not saved; changes saved before are safe. Free space on the
      device (or remove records from the offline cache), then edit again to store it.
    </p>`
  }

  #renderField(field: FieldSchema, pending: PendingChangeView | null): TemplateResult {
    const handle = this.#record.handle
    const describe = handle?.schema
    const draft = handle?.document.salesforceId() === null
    const deleted = handle?.isDeleted() ?? false
    const editable =
      !deleted &&
      (draft
        ? describe?.createable !== false && field.createable !== false
        : describe?.updateable !== false && field.updateable !== false)
    const isPending = pending?.fields.some((f) => f.field === field.name) ?? false
    const failed =
      pending?.state === 'failed' && pending.error?.fields.includes(field.name)
        ? pending.error.message
        : null
    const error = this.#record.fieldErrors.get(field.name) ?? failed
    const id = `f-${field.name}`
    const marked = isPending || this.#record.unsaved.has(field.name)
    const describedBy =
      [marked ? `mark-${field.name}` : '', error ? `err-${field.name}` : '']
        .filter(Boolean)
        .join(' ') || undefined
    const mark = this.#record.unsaved.has(field.name)
      ? html`<span part="unsaved-mark" id="mark-${field.name}" class="badge error">Not saved</span>`
      : isPending
        ? html`<span part="pending-mark" id="mark-${field.name}" class="badge warning"
            >Not yet in Salesforce</span
          >`
        : nothing
    const label = fieldLabel(field.name, field)
    const wide = field.type === 'textarea'
    return html`<div
      part="field"
      class="${isPending ? 'pending' : ''} ${wide ? 'wide' : ''}"
      data-field=${field.name}
    >
      ${
        wide
          ? html`<briefcase-long-text
              id=${id}
              .handle=${handle}
              .field=${field.name}
              .label=${label}
              ?readonly=${!editable}
              ><span slot="label-after">${mark}</span></briefcase-long-text
            >`
          : html`<div class="head">
                <label for=${id}
                  >${
                    isRequired(field) && editable
                      ? html`<abbr class="required" title="required">* </abbr>`
                      : nothing
                  }${label}</label
                >${mark}
              </div>
              ${renderFieldEditor({
                field,
                value: this.#record.get(field.name),
                id,
                readonly: !editable,
                required: false,
                describedBy,
                invalid: error !== null,
                commit: (value) => void this.#commit(field, value),
                refuse: (message) => {
                  this.#record.fieldErrors.set(field.name, message)
                  this.requestUpdate()
                },
              })}`
      }
      ${error ? html`<p class="field-error" id="err-${field.name}">${error}</p>` : nothing}
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'briefcase-record': BriefcaseRecord
  }
}
