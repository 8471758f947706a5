import { refKey } from './doc-ref.js'
import type { PlanRecord } from './plan-types.js'
import type { WriteSchedule } from './write-schedule.js'

/** The users whose sessions write a record. */
export function authorsOf(r: PlanRecord): string[] {
  const users = new Set(r.pending.fields.map((f) => f.author.user))
  if (r.pending.operation === 'create' && r.creator) users.add(r.creator)
  if (r.pending.deleted) users.add(r.pending.deleted.author.user)
  return [...users]
}

/**
 * The records a run holds back because their live edits are not due yet (coalescing). A record
 * not due still goes when every author of it has a call going anyway (a due record of theirs):
 * it rides along at no extra call. A new record a going record references goes too (its
 * dependent would wait for it). The schedule forgets every record the run lets go; `skip` are
 * records that will not be written now anyway (blocked, waiting for a retry).
 */
export function heldBySchedule(
  schedule: WriteSchedule,
  pending: readonly PlanRecord[],
  skip: ReadonlySet<string>,
  readAt: number,
): Set<string> {
  schedule.retain(new Set(pending.map((r) => refKey(r.ref))), readAt)
  const authors = new Map<string, string[]>()
  for (const r of pending) {
    const key = refKey(r.ref)
    authors.set(key, authorsOf(r))
    schedule.setAuthors(key, authors.get(key) ?? [])
  }
  const going = new Set<string>()
  const needed = new Set<string>()
  const notDue: PlanRecord[] = []
  for (const r of pending) {
    const key = refKey(r.ref)
    if (skip.has(key) || schedule.dueAt(key) > readAt) {
      if (!skip.has(key)) notDue.push(r)
      continue
    }
    for (const a of authors.get(key) ?? []) going.add(a)
    for (const d of r.pending.dependsOn) needed.add(d)
  }
  const held = new Set<string>()
  for (const r of notDue) {
    const users = authors.get(refKey(r.ref)) ?? []
    const rides = users.length > 0 && users.every((a) => going.has(a))
    if (!rides && !(r.draftKey !== null && needed.has(r.draftKey))) held.add(refKey(r.ref))
  }
  for (const r of pending) {
    const key = refKey(r.ref)
    if (!held.has(key)) schedule.release(key, readAt)
  }
  return held
}
