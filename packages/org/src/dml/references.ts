import { ApiError } from '../errors.js'
import { recordAccess } from '../security/access.js'
import type { FieldDef } from '../schema/types.js'
import type { RequestContext } from '../state.js'
import type { FieldValues } from './input.js'

function checkOne(ctx: RequestContext, field: FieldDef, id: string): void {
  const target = ctx.state.schema.byPrefix(id.slice(0, 3))
  if (!target || !field.referenceTo.includes(target.name)) {
    throw new ApiError(
      400,
      'FIELD_INTEGRITY_EXCEPTION',
      `${field.label}: id value of incorrect type: ${id}`,
      [field.name],
    )
  }
  const record = ctx.state.store.get(target.name, id)
  if (!record) {
    throw new ApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [
      field.name,
    ])
  }
  if (record.IsDeleted === true) {
    throw new ApiError(400, 'ENTITY_IS_DELETED', 'entity is deleted', [field.name])
  }
  if (recordAccess(ctx.state.store, ctx.caller, target, record) === 'none') {
    throw new ApiError(
      400,
      'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
      `insufficient access rights on cross-reference id: ${id}`,
      [],
    )
  }
  if (target.name === 'User' && record.IsActive !== true && field.name === 'OwnerId') {
    throw new ApiError(400, 'INACTIVE_OWNER_OR_USER', 'owner or user is inactive.', [])
  }
}

/**
 * Checks every lookup being written: the right object (FIELD_INTEGRITY_EXCEPTION), a record that
 * exists (INVALID_CROSS_REFERENCE_KEY), is not deleted (ENTITY_IS_DELETED) and that the caller
 * can see (INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY).
 */
export function checkReferences(ctx: RequestContext, values: FieldValues): void {
  for (const { field, value } of values.values()) {
    if (field.type === 'reference' && typeof value === 'string') checkOne(ctx, field, value)
  }
}
