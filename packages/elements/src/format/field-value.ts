import type { FieldSchema, FieldValue } from '@briefcase/record'
import { isDraftKey } from '@briefcase/record'

/** Longest text shown in a summary before it is cut with an ellipsis. */
const SUMMARY_LENGTH = 80

/**
 * A field value in words for lists (pending changes, notices): empty as "(empty)", checkboxes as
 * Yes/No, numbers in the user's locale, datetimes in local time, references by the name `names`
 * knows for them (else "(new record)" for a record not yet in Salesforce), long text cut to a line.
 */
export function formatValue(
  value: FieldValue,
  field?: FieldSchema,
  names: ReadonlyMap<string, string> = new Map(),
): string {
  if (value === null || value === '') return '(empty)'
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  if (typeof value === 'number') {
    const digits = field?.type === 'currency' ? 2 : undefined
    return value.toLocaleString(undefined, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits ?? 6,
    })
  }
  if (field?.type === 'datetime') {
    const ms = Date.parse(value)
    if (!Number.isNaN(ms)) {
      return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    }
  }
  if (field?.type === 'reference' || field === undefined) {
    const name = names.get(value)
    if (name && name !== value) return name
    if (isDraftKey(value)) return '(new record)'
  }
  return value.length > SUMMARY_LENGTH ? `${value.slice(0, SUMMARY_LENGTH - 1)}…` : value
}

/** The field's label, or its API name when the schema has none. */
export function fieldLabel(name: string, field?: FieldSchema): string {
  return field?.label ?? name
}
