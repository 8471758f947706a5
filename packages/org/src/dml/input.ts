import { ApiError } from '../errors.js'
import { canSeeField } from '../store/render.js'
import { fieldAccess } from '../security/profiles.js'
import type { FieldDef, ObjectDef, StoredValue } from '../schema/types.js'
import type { RequestContext } from '../state.js'
import { coerceValue } from './coerce.js'
import { findByExternalId } from './lookup.js'

/** Whether the values are for a new record or for an existing one. */
export type WriteMode = 'create' | 'update'

/** Field values parsed from a request body, by canonical field name. */
export type FieldValues = Map<string, { field: FieldDef; value: StoredValue }>

/** INVALID_FIELD for a field that does not exist (or that the caller cannot see). */
export function noSuchColumn(object: ObjectDef, name: string): ApiError {
  return new ApiError(
    400,
    'INVALID_FIELD',
    `No such column '${name}' on sobject of type ${object.name}`,
  )
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Resolves `"Account": { "Briefcase_Draft_Key__c": "k" }` to the Id of the matching Account. */
function resolveRelated(
  ctx: RequestContext,
  field: FieldDef,
  raw: Record<string, unknown>,
): StoredValue {
  const { attributes, ...keys } = raw
  const typeName =
    isPlainObject(attributes) && typeof attributes.type === 'string'
      ? attributes.type
      : field.referenceTo.length === 1
        ? field.referenceTo[0]
        : undefined
  const target = typeName === undefined ? undefined : ctx.state.schema.object(typeName)
  const entries = Object.entries(keys)
  const entry = entries[0]
  if (!target || !field.referenceTo.includes(target.name) || entries.length !== 1 || !entry) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `Cannot reference ${field.relationshipName ?? field.name} with the given keys: give one external ID field${field.referenceTo.length > 1 ? ' and attributes.type' : ''}.`,
    )
  }
  const [keyName, keyValue] = entry
  const keyField = ctx.state.schema.field(target, keyName)
  if (!keyField || !(keyField.externalId || keyField.name === 'Id')) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `No such column '${keyName}' on sobject of type ${target.name}`,
    )
  }
  const wanted = coerceValue(keyField, keyValue)
  const match = wanted === null ? undefined : findByExternalId(ctx, target, keyField, wanted)
  if (!match) {
    throw new ApiError(
      400,
      'INVALID_FIELD',
      `Foreign key external ID: ${String(keyValue)} not found for field ${keyField.name} in entity ${target.name}`,
    )
  }
  return String(match.Id)
}

/**
 * Parses a create or update body into field values with Salesforce's checks, in its order:
 * unknown fields (INVALID_FIELD), values of the wrong type (JSON_PARSER_ERROR), fields the caller
 * may not write (INVALID_FIELD_FOR_INSERT_UPDATE), then value checks (length, picklist, email).
 * `attributes` is ignored; related records may be given by external Id.
 */
export function parseValues(
  ctx: RequestContext,
  object: ObjectDef,
  body: unknown,
  mode: WriteMode,
  options: { recordId?: string } = {},
): FieldValues {
  if (!isPlainObject(body)) {
    const kind = Array.isArray(body) ? 'START_ARRAY' : 'VALUE_STRING'
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${object.name} from ${kind} value or request may be missing a required field`,
    )
  }
  const values: FieldValues = new Map()
  const readOnly: string[] = []
  const pending: Array<{ field: FieldDef; raw: unknown }> = []
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'attributes') continue
    if (key.toLowerCase() === 'id') {
      if (
        mode === 'update' &&
        typeof raw === 'string' &&
        options.recordId?.startsWith(raw.slice(0, 15))
      )
        continue
      throw new ApiError(
        400,
        'INVALID_FIELD',
        'The Id field should not be specified in the sobject data.',
      )
    }
    const field = ctx.state.schema.field(object, key)
    if (!field && isPlainObject(raw)) {
      const ref = ctx.state.schema.relationship(object, key)
      if (ref && canSeeField(ctx.caller, object, ref)) {
        pending.push({ field: ref, raw })
        continue
      }
    }
    if (!field || !canSeeField(ctx.caller, object, field)) throw noSuchColumn(object, key)
    pending.push({ field, raw })
  }
  for (const { field, raw } of pending) {
    const value =
      isPlainObject(raw) && field.type === 'reference'
        ? resolveRelated(ctx, field, raw)
        : coerceValue(field, raw)
    const writable =
      (mode === 'create' ? field.createable : field.updateable) &&
      fieldAccess(ctx.caller.profile, object.name, field.name, ctx.caller.fls) === 'edit'
    if (!writable) readOnly.push(field.name)
    values.set(field.name, { field, value })
  }
  if (readOnly.length > 0) {
    throw new ApiError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    )
  }
  return values
}
