import { ApiError } from '../errors.js'
import type { FieldDef, ObjectDef, StoredRecord } from '../schema/types.js'
import { canSeeField, renderRecord, visibleFields } from '../store/render.js'
import type { RequestContext } from '../state.js'

/** The fields a `fields=` list names (INVALID_FIELD for unknown or hidden ones), `Id` appended. */
export function requestedFields(
  ctx: RequestContext,
  object: ObjectDef,
  list: string | undefined,
): FieldDef[] {
  if (list === undefined || list.trim() === '') return visibleFields(ctx.caller, object)
  const out: FieldDef[] = []
  for (const raw of list.split(',')) {
    const name = raw.trim()
    if (name === '') continue
    const field = ctx.state.schema.field(object, name)
    if (!field || !canSeeField(ctx.caller, object, field)) {
      throw new ApiError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      )
    }
    if (!out.includes(field)) out.push(field)
  }
  const id = ctx.state.schema.field(object, 'Id')
  if (id && !out.includes(id)) out.push(id)
  return out
}

/** A record rendered for the caller with the given fields. */
export function renderFor(
  ctx: RequestContext,
  object: ObjectDef,
  record: Readonly<StoredRecord>,
  fields: readonly FieldDef[],
): Record<string, unknown> {
  return renderRecord(ctx, object, record, fields)
}
