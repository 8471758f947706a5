import type { ObjectDef, StoredRecord } from '../schema/types.js'
import { recordAccess } from '../security/access.js'
import { attributes } from '../store/render.js'
import type { RequestContext } from '../state.js'

/** Options of a recently-viewed listing. */
export interface RecentOptions {
  /** Only this object's records. */
  object?: ObjectDef
  limit: number
}

/**
 * The caller's most recently viewed (or referenced) records, newest first, as
 * `{ attributes, Id, Name }`. Deleted and no-longer-visible records are left out.
 */
export function recentItems(
  ctx: RequestContext,
  options: RecentOptions,
): Record<string, unknown>[] {
  const { state } = ctx
  const entries: Array<{ at: number; object: ObjectDef; record: Readonly<StoredRecord> }> = []
  for (const [id, mark] of state.store.markedBy(ctx.caller.userId)) {
    const at = Math.max(mark.viewed ?? 0, mark.referenced ?? 0)
    const object = state.schema.byPrefix(id.slice(0, 3))
    if (!object || (options.object && options.object !== object)) continue
    const record = state.store.get(object.name, id)
    if (!record || record.IsDeleted === true) continue
    if (recordAccess(state.store, ctx.caller, object, record) === 'none') continue
    entries.push({ at, object, record })
  }
  entries.sort((a, b) => b.at - a.at || (String(a.record.Id) < String(b.record.Id) ? 1 : -1))
  return entries.slice(0, options.limit).map(({ object, record }) => ({
    attributes: attributes(ctx.version, object.name, String(record.Id)),
    Id: record.Id,
    Name: record[object.nameField] ?? null,
  }))
}
