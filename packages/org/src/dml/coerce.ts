import { parseDate, parseDateTime, toSecond } from '../datetime.js'
import { ApiError } from '../errors.js'
import { toSalesforceId } from '../ids.js'
import type { FieldDef, StoredValue } from '../schema/types.js'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function jsonKind(raw: unknown): string {
  if (typeof raw === 'string') return 'VALUE_STRING'
  if (typeof raw === 'boolean') return raw ? 'VALUE_TRUE' : 'VALUE_FALSE'
  if (typeof raw === 'number')
    return Number.isInteger(raw) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT'
  if (Array.isArray(raw)) return 'START_ARRAY'
  return 'START_OBJECT'
}

function shown(raw: unknown): string {
  if (Array.isArray(raw)) return '['
  if (typeof raw === 'object' && raw !== null) return '{'
  return String(raw)
}

/** The JSON_PARSER_ERROR Salesforce answers when a value cannot become the field's type. */
export function typeError(typeName: string, raw: unknown): ApiError {
  return new ApiError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${typeName} from ${jsonKind(raw)} value ${shown(raw)} or request may be missing a required field`,
  )
}

function text(field: FieldDef, raw: unknown): string | null {
  if (typeof raw === 'string') return raw === '' ? null : raw
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw)
  throw typeError(field.type === 'textarea' ? 'textarea' : 'string', raw)
}

function numeric(field: FieldDef, raw: unknown): number {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN
  if (!Number.isFinite(n)) throw typeError(field.type, raw)
  if (field.type === 'int' && !Number.isInteger(n)) throw typeError('int', raw)
  return n
}

/**
 * Turns a JSON value from a request body into the stored value of `field`, with Salesforce's
 * errors: JSON_PARSER_ERROR for a value of the wrong type, MALFORMED_ID for a bad Id,
 * STRING_TOO_LONG, INVALID_EMAIL_ADDRESS, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST,
 * NUMBER_OUTSIDE_VALID_RANGE. Blank strings become null, as Salesforce stores them.
 */
export function coerceValue(field: FieldDef, raw: unknown): StoredValue {
  if (raw === null) return field.type === 'boolean' ? false : null
  switch (field.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw
      if (raw === 'true' || raw === 'false') return raw === 'true'
      throw typeError('boolean', raw)
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = numeric(field, raw)
      const whole = Math.trunc(Math.abs(n)).toString().length
      if (whole > field.precision - field.scale + (field.type === 'int' ? field.digits : 0)) {
        throw new ApiError(
          400,
          'NUMBER_OUTSIDE_VALID_RANGE',
          `${field.label}: value outside of valid range on numeric field: ${n}`,
          [field.name],
        )
      }
      const factor = 10 ** field.scale
      return field.type === 'int' ? n : Math.round(n * factor) / factor
    }
    case 'date': {
      if (typeof raw !== 'string') throw typeError('date', raw)
      if (raw === '') return null
      const d = parseDate(raw)
      if (d === undefined) throw typeError('date', raw)
      return d
    }
    case 'datetime': {
      if (typeof raw !== 'string') throw typeError('datetime', raw)
      if (raw === '') return null
      const ms = parseDateTime(raw)
      if (ms === undefined) throw typeError('datetime', raw)
      return toSecond(ms)
    }
    case 'id':
    case 'reference': {
      if (typeof raw !== 'string') throw typeError('reference', raw)
      if (raw === '') return null
      const id = toSalesforceId(raw)
      if (!id) {
        throw new ApiError(
          400,
          'MALFORMED_ID',
          `${field.label}: id value of incorrect type: ${raw}`,
          [field.name],
        )
      }
      return id
    }
    default:
      return checkText(field, text(field, raw))
  }
}

function checkText(field: FieldDef, value: string | null): string | null {
  if (value === null) return null
  if (value.length > field.length) {
    throw new ApiError(
      400,
      'STRING_TOO_LONG',
      `${field.label}: data value too large: ${value.length > 200 ? `${value.slice(0, 200)}...` : value} (max length=${field.length})`,
      [field.name],
    )
  }
  if (field.type === 'email' && !EMAIL.test(value)) {
    throw new ApiError(
      400,
      'INVALID_EMAIL_ADDRESS',
      `${field.label}: invalid email address: ${value}`,
      [field.name],
    )
  }
  if (
    field.type === 'picklist' &&
    field.restrictedPicklist &&
    !field.picklistValues.includes(value)
  ) {
    throw new ApiError(
      400,
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      `${field.label}: bad value for restricted picklist field: ${value}`,
      [field.name],
    )
  }
  return value
}
