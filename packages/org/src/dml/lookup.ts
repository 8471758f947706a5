import { ApiError, notFound } from '../errors.js'
import { toSalesforceId } from '../ids.js'
import { atLeast, recordAccess, type RecordAccess } from '../security/access.js'
import type { FieldDef, ObjectDef, StoredRecord, StoredValue } from '../schema/types.js'
import type { RequestContext } from '../state.js'

/** True when a stored value equals `wanted` under the field's case rule. */
export function sameValue(
  field: FieldDef,
  stored: StoredValue | undefined,
  wanted: StoredValue,
): boolean {
  if (stored === undefined || stored === null || wanted === null) return false
  if (typeof stored === 'string' && typeof wanted === 'string' && !field.caseSensitive) {
    return stored.toLowerCase() === wanted.toLowerCase()
  }
  return stored === wanted
}

/** The live (not deleted) record the caller can see whose external Id field equals `value`. */
export function findByExternalId(
  ctx: RequestContext,
  object: ObjectDef,
  field: FieldDef,
  value: StoredValue,
): Readonly<StoredRecord> | undefined {
  return findAllByExternalId(ctx, object, field, value, 'read')[0]
}

/** Every live record with this value, that the caller has at least `access` to. */
export function findAllByExternalId(
  ctx: RequestContext,
  object: ObjectDef,
  field: FieldDef,
  value: StoredValue,
  access: RecordAccess | 'any',
): Readonly<StoredRecord>[] {
  if (field.name === 'Id') {
    const r = typeof value === 'string' ? ctx.state.store.get(object.name, value) : undefined
    return r && r.IsDeleted !== true ? [r] : []
  }
  const out: Readonly<StoredRecord>[] = []
  for (const r of ctx.state.store.all(object.name)) {
    if (r.IsDeleted === true || !sameValue(field, r[field.name], value)) continue
    if (access !== 'any' && !atLeast(recordAccess(ctx.state.store, ctx.caller, object, r), access))
      continue
    out.push(r)
  }
  return out
}

/** MALFORMED_ID for a value in an Id position that is not an Id of `object`. */
export function malformedId(object: ObjectDef, raw: string): ApiError {
  return new ApiError(
    400,
    'MALFORMED_ID',
    `${object.label} ID: id value of incorrect type: ${raw}`,
    ['Id'],
  )
}

/** Parses an Id that must belong to `object` (15 or 18 characters, right key prefix). */
export function parseRecordId(object: ObjectDef, raw: string): string {
  const id = toSalesforceId(raw)
  if (!id || !id.startsWith(object.keyPrefix)) throw malformedId(object, raw)
  return id
}

/** A record the caller reads: NOT_FOUND when missing or invisible, ENTITY_IS_DELETED when deleted. */
export function loadReadable(ctx: RequestContext, object: ObjectDef, id: string): StoredRecord {
  const record = ctx.state.store.get(object.name, id)
  if (!record) throw notFound()
  if (record.IsDeleted === true) throw entityDeleted()
  if (recordAccess(ctx.state.store, ctx.caller, object, record) === 'none') throw notFound()
  return record
}

/** ENTITY_IS_DELETED as Salesforce answers it. */
export function entityDeleted(): ApiError {
  return new ApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted', [])
}

/** INSUFFICIENT_ACCESS_OR_READONLY as Salesforce answers it. */
export function insufficientAccess(): ApiError {
  return new ApiError(
    400,
    'INSUFFICIENT_ACCESS_OR_READONLY',
    'insufficient access rights on object id',
    [],
  )
}

/**
 * A record the caller writes: NOT_FOUND when missing, ENTITY_IS_DELETED when deleted,
 * INSUFFICIENT_ACCESS_OR_READONLY without the access `needed` (edit for updates, full for deletes).
 */
export function loadWritable(
  ctx: RequestContext,
  object: ObjectDef,
  id: string,
  needed: RecordAccess,
): StoredRecord {
  const record = ctx.state.store.get(object.name, id)
  if (!record) throw notFound()
  if (record.IsDeleted === true) throw entityDeleted()
  if (!atLeast(recordAccess(ctx.state.store, ctx.caller, object, record), needed)) {
    throw insufficientAccess()
  }
  return record
}
