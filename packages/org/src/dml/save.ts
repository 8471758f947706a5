import { toSecond } from '../datetime.js'
import { ApiError } from '../errors.js'
import { objectPermissions } from '../security/profiles.js'
import type { ObjectDef, StoredRecord } from '../schema/types.js'
import type { RequestContext } from '../state.js'
import { parseValues, type FieldValues } from './input.js'
import { insufficientAccess, loadWritable } from './lookup.js'
import { checkReferences } from './references.js'
import { applyWorkflow, checkRequired, checkUnique, checkValidationRules } from './rules.js'

/** Options of an update. */
export interface UpdateOptions {
  /** `If-Unmodified-Since` (epoch ms): 412 when the record changed after it (second precision). */
  ifUnmodifiedSince?: number
}

function assertWritable(ctx: RequestContext, object: ObjectDef, action: 'create' | 'edit'): void {
  if (!object.writable) {
    const verb = action === 'create' ? 'POST' : 'PATCH'
    throw new ApiError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${verb}' not allowed. Allowed are HEAD,GET`,
    )
  }
  if (!objectPermissions(ctx.caller.profile, object.name)[action]) throw insufficientAccess()
}

function finish(
  ctx: RequestContext,
  object: ObjectDef,
  record: StoredRecord,
  before: Readonly<StoredRecord> | undefined,
  values: FieldValues,
): void {
  checkReferences(ctx, values)
  object.derive?.(record)
  checkRequired(object, record)
  checkValidationRules(object, record)
  checkUnique(ctx, object, record)
  if (applyWorkflow(object, record, before)) object.derive?.(record)
  ctx.state.store.put(object.name, record)
  ctx.state.changed()
}

/** The defaults a new record starts from: picklist defaults, false booleans, the caller as owner. */
function defaults(ctx: RequestContext, object: ObjectDef, id: string): StoredRecord {
  const now = toSecond(ctx.now)
  const record: StoredRecord = {}
  for (const f of object.fields) {
    if (!f.perUser) record[f.name] = f.defaultValue
  }
  Object.assign(record, {
    Id: id,
    IsDeleted: false,
    CreatedDate: now,
    CreatedById: ctx.caller.userId,
    LastModifiedDate: now,
    LastModifiedById: ctx.caller.userId,
    SystemModstamp: now,
  })
  if (object.owned) record.OwnerId = ctx.caller.userId
  if (object.name === 'Case') {
    record.CaseNumber = String(ctx.state.store.nextAutoNumber('Case', 1001)).padStart(8, '0')
  }
  return record
}

/** Creates a record from a request body; returns its Id. Throws Salesforce-shaped errors. */
export function createRecord(
  ctx: RequestContext,
  object: ObjectDef,
  body: unknown,
  preset: FieldValues = new Map(),
): string {
  assertWritable(ctx, object, 'create')
  const values = parseValues(ctx, object, body, 'create')
  for (const [name, v] of preset) if (!values.has(name)) values.set(name, v)
  const id = ctx.state.store.nextId(object.keyPrefix)
  const record = defaults(ctx, object, id)
  for (const { field, value } of values.values()) record[field.name] = value
  finish(ctx, object, record, undefined, values)
  return id
}

/** Updates a record (PATCH semantics: only the given fields change). */
export function updateRecord(
  ctx: RequestContext,
  object: ObjectDef,
  id: string,
  body: unknown,
  options: UpdateOptions = {},
): void {
  assertWritable(ctx, object, 'edit')
  const before = loadWritable(ctx, object, id, 'edit')
  const modified = Number(before.LastModifiedDate)
  if (
    options.ifUnmodifiedSince !== undefined &&
    toSecond(modified) > toSecond(options.ifUnmodifiedSince)
  ) {
    throw new ApiError(
      412,
      'PRECONDITION_FAILED',
      `The requested resource has been modified since ${new Date(options.ifUnmodifiedSince).toUTCString()}.`,
    )
  }
  const values = parseValues(ctx, object, body, 'update', { recordId: id })
  const record: StoredRecord = { ...before }
  for (const { field, value } of values.values()) record[field.name] = value
  const now = toSecond(ctx.now)
  record.LastModifiedDate = now
  record.LastModifiedById = ctx.caller.userId
  record.SystemModstamp = now
  finish(ctx, object, record, before, values)
}

/** Soft-deletes a record (to the recycle bin) and the records that cascade with it. */
export function deleteRecord(ctx: RequestContext, object: ObjectDef, id: string): void {
  if (!object.writable || object.name === 'User') {
    throw new ApiError(
      405,
      'METHOD_NOT_ALLOWED',
      `HTTP Method 'DELETE' not allowed. Allowed are HEAD,GET${object.writable ? ',PATCH' : ''}`,
    )
  }
  if (!objectPermissions(ctx.caller.profile, object.name).delete) throw insufficientAccess()
  const record = loadWritable(ctx, object, id, 'full')
  // One transaction with its cascade, so change capture sees one commit.
  const tx = ctx.state.store.begin()
  try {
    markDeleted(ctx, object, record)
    tx.commit()
  } catch (error) {
    tx.rollback()
    throw error
  }
  ctx.state.changed()
}

function markDeleted(ctx: RequestContext, object: ObjectDef, record: StoredRecord): void {
  const now = toSecond(ctx.now)
  const id = String(record.Id)
  ctx.state.store.put(object.name, {
    ...record,
    IsDeleted: true,
    LastModifiedDate: now,
    LastModifiedById: ctx.caller.userId,
    SystemModstamp: now,
  })
  ctx.state.store.logDelete({ type: object.name, id, deletedDate: now })
  for (const rel of ctx.state.schema.children(object)) {
    if (!rel.cascadeDelete) continue
    const child = ctx.state.schema.object(rel.childSObject)
    if (!child) continue
    for (const r of [...ctx.state.store.all(child.name)]) {
      if (r.IsDeleted !== true && r[rel.field] === id) markDeleted(ctx, child, { ...r })
    }
  }
}
