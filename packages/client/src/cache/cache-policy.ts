import type { CachePlan, CacheSource, PlannedRecord } from '@briefcase/protocol'
import { parseDocName } from '@briefcase/record'
import type { IndexRecord } from '../storage/index-record.js'
import { newIndexRecord, relayHasAll } from '../storage/index-record.js'

/** A plan's records grouped by document. */
export interface PlannedDoc {
  doc: string
  sobject: string
  key: string
  name: string
  sources: CacheSource[]
  items: string[]
}

/** Groups a plan's records by document (a record can come from several items). */
export function plannedDocs(plan: CachePlan): Map<string, PlannedDoc> {
  const byDoc = new Map<string, PlannedDoc>()
  for (const r of plan.records) {
    const parts = parseDocName(r.doc)
    const known = byDoc.get(parts.name)
    if (known) {
      if (!known.sources.includes(r.source)) known.sources.push(r.source)
      if (!known.items.includes(r.item)) known.items.push(r.item)
      continue
    }
    byDoc.set(parts.name, planned(parts.name, parts.sobject, parts.key, r))
  }
  return byDoc
}

function planned(doc: string, sobject: string, key: string, r: PlannedRecord): PlannedDoc {
  return { doc, sobject, key, name: r.name, sources: [r.source], items: [r.item] }
}

/**
 * True when a record may leave the cache: no change pending, not on the pending list (notices),
 * nothing the relay has not received, and expired or no longer wanted by anything.
 */
export function isRemovable(record: IndexRecord, now: number): boolean {
  if (record.pendingCount > 0 || record.pendingOrder !== undefined) return false
  if (!relayHasAll(record)) return false
  return record.expiresAt <= now || record.sources.length === 0
}

/**
 * The entry of a record after a refresh applied `plan` (`undefined` for `planned`: not planned).
 * - Planned records join or stay; their plan sources and items are replaced, and the refresh
 *   counts as an access (their expiry moves 30 days on).
 * - Records the plan no longer holds lose their plan sources (a new preference replaces the
 *   default cache this way); they keep `session` if they were opened, and leave when nothing
 *   wants them, unless a change is pending.
 * Returns `null` when the record leaves now.
 */
export function applyPlan(
  record: IndexRecord | null,
  plannedDoc: PlannedDoc | undefined,
  now: number,
  expiryMs: number,
): IndexRecord | null {
  if (!record) {
    if (!plannedDoc) return null
    return newIndexRecord({ ...plannedDoc, now, expiryMs })
  }
  const opened = record.sources.includes('session') ? (['session'] as CacheSource[]) : []
  if (!plannedDoc) {
    const next: IndexRecord = { ...record, sources: opened, items: [] }
    return isRemovable(next, now) ? null : next
  }
  const lastAccess = Math.max(record.lastAccess, now)
  const sources = [...new Set<CacheSource>([...plannedDoc.sources, ...opened])]
  return {
    ...record,
    // A pending rename stays until Salesforce has it; the plan's name is Salesforce's.
    name: record.pendingCount > 0 ? record.name : plannedDoc.name,
    sources,
    items: plannedDoc.items,
    lastAccess,
    expiresAt: lastAccess + expiryMs,
  }
}
