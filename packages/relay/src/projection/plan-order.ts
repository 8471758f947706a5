import type { DraftKey } from '@briefcase/record'
import { refKey } from './doc-ref.js'
import type { PlanRecord } from './plan-types.js'

/** Records in sending order, and the references that close a cycle (sent in a later wave). */
export interface RecordOrder {
  ordered: PlanRecord[]
  /** `refKey#draftKey` of references that would close a cycle of new records. */
  deferred: ReadonlySet<string>
}

function byOldestChange(a: PlanRecord, b: PlanRecord): number {
  const x = a.pending.firstChangeAt ?? ''
  const y = b.pending.firstChangeAt ?? ''
  if (x !== y) return x < y ? -1 : 1
  const p = refKey(a.ref)
  const q = refKey(b.ref)
  return p < q ? -1 : p > q ? 1 : 0
}

/**
 * Orders records by their oldest unsent change, a record after the new records its references
 * name (a stable depth-first topological order). A reference that would close a cycle (two new
 * records naming each other, or a record naming itself) is deferred: the record is created
 * without it and the reference follows as an update once both exist.
 */
export function orderRecords(records: readonly PlanRecord[]): RecordOrder {
  const sorted = [...records].sort(byOldestChange)
  const byDraft = new Map<DraftKey, PlanRecord>()
  for (const r of sorted) {
    if (r.draftKey && r.salesforceId === null && !r.main && !byDraft.has(r.draftKey))
      byDraft.set(r.draftKey, r)
  }
  const ordered: PlanRecord[] = []
  const deferred = new Set<string>()
  const state = new Map<PlanRecord, 'visiting' | 'done'>()
  const visit = (r: PlanRecord): void => {
    state.set(r, 'visiting')
    for (const key of r.pending.dependsOn) {
      const target = byDraft.get(key)
      if (!target) continue
      const seen = state.get(target)
      if (seen === 'visiting') deferred.add(`${refKey(r.ref)}#${key}`)
      else if (seen === undefined) visit(target)
    }
    state.set(r, 'done')
    ordered.push(r)
  }
  for (const r of sorted) if (!state.has(r)) visit(r)
  return { ordered, deferred }
}
