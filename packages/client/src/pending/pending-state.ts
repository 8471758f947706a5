import type { BeatenEdit, PendingChange, SupersededEdit } from '@briefcase/record'
import { decodeHlc, isServerStamp } from '@briefcase/record'
import type { CacheSyncStatus } from '../cache-entry.js'
import type { PendingState } from '../pending-view.js'
import type { IndexRecord } from '../storage/index-record.js'
import { recordPending, relayHasAll } from '../storage/index-record.js'

/** Who is looking at the pending list: notices concern this user's own edits only. */
export interface Viewer {
  user: string
}

/** This user's edits that lost to someone else's later edit (or a newer server change). */
export function supersededFor(pending: PendingChange, viewer: Viewer): SupersededEdit[] {
  return pending.superseded.filter((s) => {
    if (s.author.user !== viewer.user) return false
    const byMyOtherDevice = s.by.author.user === viewer.user && !isServerStamp(s.by.at)
    return !byMyOtherDevice
  })
}

/** This user's edits a delete by someone else (or by Salesforce) beat. */
export function beatenFor(pending: PendingChange, viewer: Viewer): BeatenEdit[] {
  const d = pending.deleted
  if (!d || (!d.onServer && d.author.user === viewer.user)) return []
  return pending.beaten.filter((b) => b.author.user === viewer.user)
}

/**
 * The state of a record's pending change, or `null` when nothing is pending and nothing must be
 * told (the record is off the pending list: written, or never changed).
 */
export function pendingStateOf(
  pending: PendingChange | null,
  relayHasAll: boolean,
  viewer: Viewer,
): PendingState | null {
  if (!pending) return null
  if (pending.operation !== null && pending.status?.state === 'error') return 'failed'
  if (beatenFor(pending, viewer).length > 0) return 'deleted'
  if (supersededFor(pending, viewer).length > 0) return 'superseded'
  if (pending.operation === null) return null
  return relayHasAll ? 'received' : 'saved'
}

/** Number of changes Salesforce lacks: changed fields, at least 1 for a create or a delete. */
export function pendingCountOf(pending: PendingChange | null): number {
  if (!pending || pending.operation === null) return 0
  if (pending.operation === 'delete') return 1
  return Math.max(pending.operation === 'create' ? 1 : 0, pending.fields.length)
}

/** The fields of an index entry that follow from its pending change and state vectors. */
export function derivedFields(
  record: IndexRecord,
  viewer: Viewer,
): Pick<IndexRecord, 'pendingCount' | 'syncStatus' | 'pendingOrder'> {
  const pending = recordPending(record)
  const state = pendingStateOf(pending, relayHasAll(record), viewer)
  const syncStatus: CacheSyncStatus =
    record.deviceSV === null ? 'loading' : state === null || state === 'written' ? 'synced' : state
  const derived: Pick<IndexRecord, 'pendingCount' | 'syncStatus' | 'pendingOrder'> = {
    pendingCount: pendingCountOf(pending),
    syncStatus,
  }
  if (state !== null && pending) derived.pendingOrder = orderKey(pending, viewer)
  return derived
}

/** The pending list's sort key: the oldest unsent change, else the oldest notice. */
function orderKey(pending: PendingChange, viewer: Viewer): string {
  const stamps = [
    pending.firstChangeAt,
    ...supersededFor(pending, viewer).map((s) => s.at),
    ...beatenFor(pending, viewer).map((b) => b.at),
  ].filter((s): s is NonNullable<typeof s> => s !== null)
  const first = stamps.sort()[0] ?? ''
  return `${first} ${pending.doc}`
}

/** Wall time of a stamp, ms. */
export function stampTime(stamp: string | null): number | null {
  if (stamp === null) return null
  return decodeHlc(stamp as Parameters<typeof decodeHlc>[0]).wall
}

/** The entry with its derived fields recomputed (the pending-order key dropped when off the list). */
export function withDerived(record: IndexRecord, viewer: Viewer): IndexRecord {
  const derived = derivedFields(record, viewer)
  const next: IndexRecord = { ...record, ...derived }
  if (derived.pendingOrder === undefined) delete next.pendingOrder
  return next
}
