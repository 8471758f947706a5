import { ApiError } from '../errors.js'
import { canSeeField } from '../store/render.js'
import type { FieldDef, ObjectDef } from '../schema/types.js'
import type { RequestContext } from '../state.js'
import { coerceValue } from './coerce.js'
import { findAllByExternalId, parseRecordId } from './lookup.js'
import { createRecord, updateRecord } from './save.js'

/** The result of an upsert: the record's Id and whether it was created. */
export interface UpsertOutcome {
  readonly id: string
  readonly created: boolean
}

/** NOT_FOUND for an external Id field that does not exist or is not an external Id. */
export function externalIdMissing(name: string): ApiError {
  return new ApiError(
    404,
    'NOT_FOUND',
    `Provided external ID field does not exist or is not accessible: ${name}`,
  )
}

/** The external Id field (or `Id`) named in an upsert path, checked against describe and FLS. */
export function externalIdField(ctx: RequestContext, object: ObjectDef, name: string): FieldDef {
  const field = ctx.state.schema.field(object, name)
  if (
    !field ||
    !(field.externalId || field.name === 'Id') ||
    !canSeeField(ctx.caller, object, field)
  ) {
    throw externalIdMissing(name)
  }
  return field
}

/**
 * Upserts by external Id: no live match the caller can see → create (201), a match → update
 * (200, v46.0+). Every external Id here is unique, so Salesforce's 300 (several matches) cannot
 * happen. A match the caller cannot see is not a match: the create then meets the unique index
 * (DUPLICATE_VALUE).
 */
export function upsertRecord(
  ctx: RequestContext,
  object: ObjectDef,
  field: FieldDef,
  rawValue: string,
  body: unknown,
): UpsertOutcome {
  const value = field.name === 'Id' ? parseRecordId(object, rawValue) : coerceValue(field, rawValue)
  const cleaned =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? Object.fromEntries(
          Object.entries(body).filter(
            ([k, v]) => !(k.toLowerCase() === field.name.toLowerCase() && String(v) === rawValue),
          ),
        )
      : body
  const matches = findAllByExternalId(ctx, object, field, value, 'read')
  const match = matches[0]
  if (match) {
    const id = String(match.Id)
    updateRecord(ctx, object, id, cleaned)
    return { id, created: false }
  }
  if (field.name === 'Id')
    throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
  const id = createRecord(ctx, object, cleaned, new Map([[field.name, { field, value }]]))
  return { id, created: true }
}
