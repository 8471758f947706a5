import { formatDateTime } from '../datetime.js'
import type { Caller } from '../security/access.js'
import { fieldAccess } from '../security/profiles.js'
import type { FieldDef, ObjectDef, StoredRecord, StoredValue } from '../schema/types.js'
import type { RequestContext } from '../state.js'

/** JSON of a stored value as the REST API writes it (datetimes as `…T22:02:36.000+0000`). */
export function apiValue(
  field: FieldDef,
  value: StoredValue | undefined,
): string | number | boolean | null {
  if (value === undefined || value === null) return null
  if (field.type === 'datetime' && typeof value === 'number') return formatDateTime(value)
  return value
}

/** `/services/data/vNN.N/sobjects/<Type>/<Id>`. */
export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`
}

/** The `attributes` object of a record in API output. */
export function attributes(
  version: string,
  type: string,
  id: string,
): { type: string; url: string } {
  return { type, url: recordUrl(version, type, id) }
}

/** The fields of an object the caller may see (field-level security), in describe order. */
export function visibleFields(caller: Caller, object: ObjectDef): FieldDef[] {
  return object.fields.filter(
    (f) => fieldAccess(caller.profile, object.name, f.name, caller.fls) !== 'hidden',
  )
}

/** True when the caller may see a field. */
export function canSeeField(caller: Caller, object: ObjectDef, field: FieldDef): boolean {
  return fieldAccess(caller.profile, object.name, field.name, caller.fls) !== 'hidden'
}

/** A field's value for the caller, including per-user fields (LastViewedDate, LastReferencedDate). */
export function fieldValue(
  ctx: RequestContext,
  field: FieldDef,
  record: Readonly<StoredRecord>,
): StoredValue {
  if (!field.perUser) return record[field.name] ?? null
  const marks = ctx.state.store.marks(ctx.caller.userId, String(record.Id))
  const at = field.name === 'LastViewedDate' ? marks?.viewed : marks?.referenced
  return at ?? null
}

/** A record as the REST API returns it: `attributes`, then `fields` in order. */
export function renderRecord(
  ctx: RequestContext,
  object: ObjectDef,
  record: Readonly<StoredRecord>,
  fields: readonly FieldDef[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: attributes(ctx.version, object.name, String(record.Id)),
  }
  for (const f of fields) out[f.name] = apiValue(f, fieldValue(ctx, f, record))
  return out
}
