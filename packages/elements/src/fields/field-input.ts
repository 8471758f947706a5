import type { FieldSchema, FieldValue } from '@briefcase/record'

/** What an input shows for a field value (the inverse of {@link parseInput}). */
export function inputValue(value: FieldValue, field: FieldSchema): string {
  if (value === null || typeof value === 'boolean') return ''
  if (typeof value === 'number') return String(value)
  if (field.type === 'datetime') {
    const ms = Date.parse(value)
    if (Number.isNaN(ms)) return ''
    const local = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
    return local.toISOString().slice(0, 16)
  }
  return value
}

/** The result of reading an input: the value to store, or why it cannot be stored. */
export type ParsedInput = { ok: true; value: FieldValue } | { ok: false; message: string }

/**
 * Reads what the user entered into the value the record stores: empty as `null`, numbers as
 * numbers, a local date-time as UTC ISO. Wrong input gives a message for the field.
 *
 * @example
 * ```ts
 * parseInput('12.5', { name: 'Amount', type: 'currency' }) // { ok: true, value: 12.5 }
 * ```
 */
export function parseInput(text: string, field: FieldSchema): ParsedInput {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: true, value: null }
  switch (field.type) {
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const value = Number(trimmed)
      if (!Number.isFinite(value)) return { ok: false, message: 'Enter a number.' }
      if (field.type === 'int' && !Number.isInteger(value)) {
        return { ok: false, message: 'Enter a whole number.' }
      }
      return { ok: true, value }
    }
    case 'datetime': {
      const ms = Date.parse(trimmed)
      if (Number.isNaN(ms)) return { ok: false, message: 'Enter a date and time.' }
      return { ok: true, value: new Date(ms).toISOString() }
    }
    case 'textarea':
      return { ok: true, value: text }
    default:
      return { ok: true, value: trimmed }
  }
}

/** The `<input type>` that edits a field, or `null` for fields edited otherwise. */
export function inputType(field: FieldSchema): string | null {
  switch (field.type) {
    case 'string':
    case 'id':
      return 'text'
    case 'email':
      return 'email'
    case 'phone':
      return 'tel'
    case 'url':
      return 'url'
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return 'number'
    case 'date':
      return 'date'
    case 'datetime':
      return 'datetime-local'
    default:
      return null
  }
}

/** The `step` of a number input for a field. */
export function numberStep(field: FieldSchema): string {
  if (field.type === 'int') return '1'
  if (field.type === 'currency') return '0.01'
  return 'any'
}
