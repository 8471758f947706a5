import { RecordError, RecordErrorCode } from './errors.js'
import { isDraftKey, toSalesforceId } from './ids.js'

/** Salesforce field types the record model knows (describe's `type`). */
export const FieldType = {
  id: 'id',
  string: 'string',
  textarea: 'textarea',
  picklist: 'picklist',
  multipicklist: 'multipicklist',
  boolean: 'boolean',
  int: 'int',
  double: 'double',
  currency: 'currency',
  percent: 'percent',
  date: 'date',
  datetime: 'datetime',
  reference: 'reference',
  email: 'email',
  phone: 'phone',
  url: 'url',
} as const

/** One of {@link FieldType}'s values. */
export type FieldType = (typeof FieldType)[keyof typeof FieldType]

/** A field value as stored: strings (also dates, datetimes, Ids, draft keys), numbers, booleans. */
export type FieldValue = string | number | boolean | null

/** What the record model needs to know of a field (a subset of Salesforce's describe). */
export interface FieldSchema {
  name: string
  type: FieldType
  label?: string
  /** Maximum length of text values. */
  length?: number
  nillable?: boolean
  createable?: boolean
  updateable?: boolean
  /** Allowed values of a picklist. */
  picklistValues?: readonly string[]
  /** When true, a picklist value outside `picklistValues` is refused. */
  restrictedPicklist?: boolean
  /** Objects a reference may point to. */
  referenceTo?: readonly string[]
}

/** An object's fields, by API name. */
export interface ObjectSchema {
  name: string
  fields: Readonly<Record<string, FieldSchema>>
}

/** True when the field merges by character (long text). */
export function isTextField(field: FieldSchema): boolean {
  return field.type === FieldType.textarea
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/

function fail(field: FieldSchema, expected: string, value: unknown): never {
  throw new RecordError(
    RecordErrorCode.fieldType,
    `${field.name} (${field.type}) expects ${expected}, got ${JSON.stringify(value)}`,
    { field: field.name },
  )
}

function checkText(field: FieldSchema, value: unknown): string {
  if (typeof value !== 'string') fail(field, 'a string', value)
  if (field.length !== undefined && field.length > 0 && value.length > field.length) {
    fail(field, `at most ${field.length} characters`, `${value.slice(0, 20)}… (${value.length})`)
  }
  return value
}

/** Canonical datetime form: `YYYY-MM-DDTHH:mm:ss.sssZ`, from any Salesforce input format. */
export function canonicalDatetime(value: string): string | undefined {
  if (!DATETIME.test(value)) return undefined
  const withColon = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  const ms = Date.parse(withColon)
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString()
}

function checkDate(field: FieldSchema, value: unknown): string {
  const m = typeof value === 'string' ? DATE.exec(value) : null
  if (!m) fail(field, 'a date YYYY-MM-DD', value)
  const d = new Date(`${value as string}T00:00:00Z`)
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    fail(field, 'a real calendar date', value)
  }
  return value
}

function checkNumber(field: FieldSchema, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'a finite number', value)
  if (field.type === FieldType.int && !Number.isInteger(value)) fail(field, 'an integer', value)
  return value
}

/**
 * Checks a value against its field and returns it in canonical form (datetimes in UTC ISO form,
 * 15-character Ids as 18). Throws `BRIEFCASE_FIELD_TYPE` for a value of the wrong type.
 *
 * @example
 * ```ts
 * checkValue({ name: 'CloseDate', type: 'date' }, '2026-02-30') // throws BRIEFCASE_FIELD_TYPE
 * ```
 */
export function checkValue(field: FieldSchema, value: unknown): FieldValue {
  if (value === null) return null
  switch (field.type) {
    case FieldType.boolean:
      if (typeof value !== 'boolean') fail(field, 'true or false', value)
      return value
    case FieldType.int:
    case FieldType.double:
    case FieldType.currency:
    case FieldType.percent:
      return checkNumber(field, value)
    case FieldType.date:
      return checkDate(field, value)
    case FieldType.datetime: {
      const canonical = typeof value === 'string' ? canonicalDatetime(value) : undefined
      return canonical ?? fail(field, 'an ISO 8601 datetime', value)
    }
    case FieldType.id:
    case FieldType.reference: {
      if (isDraftKey(value)) return value
      const id = typeof value === 'string' ? toSalesforceId(value) : undefined
      return id ?? fail(field, 'a Salesforce Id or a draft key', value)
    }
    case FieldType.picklist: {
      const text = checkText(field, value)
      if (
        field.restrictedPicklist &&
        field.picklistValues &&
        !field.picklistValues.includes(text)
      ) {
        fail(field, `one of ${field.picklistValues.join(', ')}`, value)
      }
      return text
    }
    default:
      return checkText(field, value)
  }
}

/** The field's schema, or a `BRIEFCASE_UNKNOWN_FIELD` error. */
export function fieldOf(schema: ObjectSchema, name: string): FieldSchema {
  const field = Object.hasOwn(schema.fields, name) ? schema.fields[name] : undefined
  if (!field) {
    throw new RecordError(RecordErrorCode.unknownField, `${schema.name} has no field ${name}`, {
      field: name,
    })
  }
  return field
}

/** The part of a Salesforce describe field the schema reads (jsforce's `Field` fits). */
export interface DescribeField {
  name: string
  type: string
  label?: string
  length?: number
  nillable?: boolean
  createable?: boolean
  updateable?: boolean
  restrictedPicklist?: boolean
  picklistValues?: readonly { value: string; active?: boolean }[] | null
  referenceTo?: readonly string[] | null
}

const KNOWN_TYPES = new Set<string>(Object.values(FieldType))

/**
 * An {@link ObjectSchema} from a Salesforce describe result. Fields of types the record model does
 * not hold (address, location, base64, …) are left out.
 */
export function schemaFromDescribe(describe: {
  name: string
  fields: readonly DescribeField[]
}): ObjectSchema {
  const fields: Record<string, FieldSchema> = {}
  for (const f of describe.fields) {
    if (!KNOWN_TYPES.has(f.type)) continue
    const field: FieldSchema = {
      name: f.name,
      type: f.type as FieldType,
      ...(f.label === undefined ? {} : { label: f.label }),
      ...(f.length === undefined ? {} : { length: f.length }),
      ...(f.nillable === undefined ? {} : { nillable: f.nillable }),
      ...(f.createable === undefined ? {} : { createable: f.createable }),
      ...(f.updateable === undefined ? {} : { updateable: f.updateable }),
      ...(f.restrictedPicklist === undefined ? {} : { restrictedPicklist: f.restrictedPicklist }),
      ...(f.picklistValues && f.picklistValues.length > 0
        ? { picklistValues: f.picklistValues.filter((p) => p.active !== false).map((p) => p.value) }
        : {}),
      ...(f.referenceTo && f.referenceTo.length > 0 ? { referenceTo: [...f.referenceTo] } : {}),
    }
    fields[f.name] = field
  }
  return { name: describe.name, fields }
}
