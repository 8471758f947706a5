import * as Y from 'yjs'
import type { UserSpace } from '../user-space.js'
import type { IndexRecord } from '../storage/index-record.js'
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
    if (space.docs.get(record.doc)) continue
    const { rows } = await space.store.load(record.doc)
    const stored = rows.length === 0 ? null : Y.encodeStateVectorFromUpdate(Y.mergeUpdates(rows))
    if (covers(record.relaySV, stored)) confirmed.add(record.doc)
  }
  return confirmed
}

/** Deletes the databases of records that left the index. */
export async function deleteDocuments(space: UserSpace, docs: Iterable<string>): Promise<void> {
  for (const doc of docs) await space.store.remove(doc)
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
  await deleteDocuments(space, removed)
  return removed.length
}
