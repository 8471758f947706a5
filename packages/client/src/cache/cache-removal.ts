import * as Y from 'yjs'
import type { UserSpace } from '../user-space.js'
import type { IndexRecord } from '../storage/index-record.js'
import { recordDocs } from '../storage/index-record.js'
import { covers } from '../sync/state-vectors.js'
import { isRemovable } from './cache-policy.js'

/**
 * Of records the index says may leave, those that really may: not loaded in this tab, and whose
 * stored document holds nothing the relay lacks (checked on the document's rows, not trusted to
 * the index, so a change is never deleted even if its index entry lagged).
 */
export async function confirmRemovable(
  space: UserSpace,
  records: readonly IndexRecord[],
): Promise<Set<string>> {
  const confirmed = new Set<string>()
  for (const record of records) {
    let removable = true
    for (const d of recordDocs(record)) {
      if (space.docs.get(d.name)) removable = false
      if (!removable) break
      const { rows } = await space.store.load(d.name)
      const stored = rows.length === 0 ? null : Y.encodeStateVectorFromUpdate(Y.mergeUpdates(rows))
      removable = covers(d.relaySV, stored)
    }
    if (removable) confirmed.add(record.doc)
  }
  return confirmed
}

/** The partition documents of records, by record. */
export function partsOf(records: readonly IndexRecord[]): Map<string, string[]> {
  return new Map(records.map((r) => [r.doc, Object.keys(r.parts ?? {})]))
}

/** Deletes the documents of records that left the index (their partitions' too). */
export async function deleteDocuments(
  space: UserSpace,
  docs: Iterable<string>,
  parts: ReadonlyMap<string, readonly string[]> = new Map(),
): Promise<void> {
  for (const doc of docs) {
    await space.store.remove(doc)
    for (const part of parts.get(doc) ?? []) await space.store.remove(part)
  }
}

/**
 * Removes expired records (30 days after last access) and records nothing wants any more, never
 * one with a pending change, a notice, or a change the relay lacks. Runs on start (refresh does
 * the same as part of applying its plan). Returns how many left.
 */
export async function sweepCache(space: UserSpace): Promise<number> {
  const now = space.o.now()
  const candidates = (await space.index.all()).filter((r) => isRemovable(r, now))
  if (candidates.length === 0) return 0
  const confirmed = await confirmRemovable(space, candidates)
  const changes = await space.index.update([...confirmed], (r) =>
    r && isRemovable(r, now) && !space.docs.get(r.doc) ? null : undefined,
  )
  space.indexChanged(changes)
  const removed = changes.map((c) => c.doc)
  await deleteDocuments(space, removed, partsOf(candidates))
  return removed.length
}
