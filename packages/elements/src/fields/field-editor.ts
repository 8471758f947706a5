import type { FieldSchema, FieldValue } from '@briefcase/record'
import { html, nothing } from 'lit'
import type { TemplateResult } from 'lit'
import { ifDefined } from 'lit/directives/if-defined.js'
import type { LookupSelectEvent } from '../events/lookup-select-event.js'
import { fieldLabel } from '../format/field-value.js'
import { inputType, inputValue, numberStep, parseInput } from './field-input.js'

/** What {@link renderFieldEditor} needs to render one field's control. */
export interface FieldEditorOptions {
  field: FieldSchema
  value: FieldValue
  /** The control's id (its `<label for>` points at it). */
  id: string
  readonly: boolean
  required: boolean
  /** Ids of elements describing the control (error, "not yet in Salesforce" mark). */
  describedBy: string | undefined
  invalid: boolean
  /** The user committed a value (on `change`: leaving the field, Enter, picking). */
  commit: (value: FieldValue) => void
  /** The user entered something that is not a value of the field. */
  refuse: (message: string) => void
  /** Commit text at each keystroke too (forms saved as a whole), not only on `change`. */
  live?: boolean
}

function onText(o: FieldEditorOptions, event: Event): void {
  const parsed = parseInput((event.target as HTMLInputElement).value, o.field)
  if (parsed.ok) o.commit(parsed.value)
  else o.refuse(parsed.message)
}

function selected(event: Event): string[] {
  return [...(event.target as HTMLSelectElement).selectedOptions].map((option) => option.value)
}

/**
 * The control for one field, chosen by its type: text-like inputs, number, date and date-time
 * inputs, a checkbox, a picklist `<select>` (multi-select for multi-picklists), a lookup by name,
 * or a plain `<textarea>` (the record editor binds long text live instead).
 */
export function renderFieldEditor(o: FieldEditorOptions): TemplateResult {
  const { field, value } = o
  const describedBy = ifDefined(o.describedBy)
  const invalid = o.invalid ? 'true' : 'false'
  switch (field.type) {
    case 'boolean':
      return html`<input
        id=${o.id}
        type="checkbox"
        .checked=${value === true}
        ?disabled=${o.readonly}
        aria-describedby=${describedBy}
        @change=${(e: Event) => o.commit((e.target as HTMLInputElement).checked)}
      />`
    case 'picklist':
      return html`<select
        id=${o.id}
        ?disabled=${o.readonly}
        ?required=${o.required}
        aria-describedby=${describedBy}
        aria-invalid=${invalid}
        @change=${(e: Event) => o.commit(selected(e)[0] || null)}
      >
        <option value="" ?selected=${value === null || value === ''}>--None--</option>
        ${(field.picklistValues ?? []).map(
          (v) => html`<option value=${v} ?selected=${v === value}>${v}</option>`,
        )}
        ${
          typeof value === 'string' && value !== '' && !field.picklistValues?.includes(value)
            ? html`<option value=${value} selected>${value}</option>`
            : nothing
        }
      </select>`
    case 'multipicklist': {
      const chosen = typeof value === 'string' && value ? value.split(';') : []
      return html`<select
        id=${o.id}
        multiple
        ?disabled=${o.readonly}
        aria-describedby=${describedBy}
        @change=${(e: Event) => o.commit(selected(e).join(';') || null)}
      >
        ${(field.picklistValues ?? []).map(
          (v) => html`<option value=${v} ?selected=${chosen.includes(v)}>${v}</option>`,
        )}
      </select>`
    }
    case 'reference':
      return html`<briefcase-lookup
        id=${o.id}
        .sobject=${field.referenceTo?.[0] ?? ''}
        .value=${typeof value === 'string' ? value : null}
        .label=${fieldLabel(field.name, field)}
        ?readonly=${o.readonly}
        ?required=${o.required}
        @briefcase-lookup-select=${(e: LookupSelectEvent) => o.commit(e.id)}
      ></briefcase-lookup>`
    case 'textarea':
      return html`<textarea
        id=${o.id}
        .value=${inputValue(value, field)}
        ?readonly=${o.readonly}
        ?required=${o.required}
        aria-describedby=${describedBy}
        aria-invalid=${invalid}
        @change=${(e: Event) => onText(o, e)}
        @input=${o.live ? (e: Event) => onText(o, e) : null}
      ></textarea>`
    default: {
      const type = inputType(field) ?? 'text'
      return html`<input
        id=${o.id}
        type=${type}
        step=${ifDefined(type === 'number' ? numberStep(field) : undefined)}
        maxlength=${ifDefined(type === 'text' && field.length ? field.length : undefined)}
        .value=${inputValue(value, field)}
        ?readonly=${o.readonly}
        ?required=${o.required}
        aria-describedby=${describedBy}
        aria-invalid=${invalid}
        @change=${(e: Event) => onText(o, e)}
        @input=${o.live ? (e: Event) => onText(o, e) : null}
      />`
    }
  }
}
