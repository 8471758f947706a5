import type { DocName } from '@briefcase/record'
import type { ClientStatus } from './client-status.js'
import type { BriefcaseClientErrorCode } from './errors.js'
import type { PendingChangeView, PendingState } from './pending-view.js'

/**
 * Online, offline, syncing, signed in or out, last refresh: fired on every change of
 * {@link ClientStatus}.
 *
 * @example
 * ```ts
 * client.addEventListener('status-change', (e) => banner.hidden = e.status.online)
 * ```
 */
export class StatusChangeEvent extends Event {
  static readonly eventName = 'status-change' as const
  readonly status: ClientStatus
  constructor(status: ClientStatus) {
    super(StatusChangeEvent.eventName)
    this.status = status
  }
}

/**
 * The pending list changed: a record's pending state changed, a record joined or left the list.
 * `doc` is `null` when the whole list may have changed (another tab, a sync); re-read it with
 * `pendingChanges()`.
 *
 * @example
 * ```ts
 * client.addEventListener('pending-change', async () => render(await client.pendingChanges()))
 * ```
 */
export class PendingChangeEvent extends Event {
  static readonly eventName = 'pending-change' as const
  readonly doc: DocName | null
  /** The record's state now; `null` when it left the list without being written (discarded). */
  readonly state: PendingState | null
  /** The state before; `null` when it just joined the list. */
  readonly previous: PendingState | null
  constructor(doc: DocName | null, state: PendingState | null, previous: PendingState | null) {
    super(PendingChangeEvent.eventName)
    this.doc = doc
    this.state = state
    this.previous = previous
  }
}

/** Why a bulk sync runs. */
export type SyncReason = 'start' | 'refresh' | 'reconnect' | 'push'

/**
 * Progress of a refresh (or of the bulk sync on start and reconnect): records done of total.
 *
 * @example
 * ```ts
 * client.addEventListener('refresh-progress', (e) => bar.value = e.done / e.total)
 * ```
 */
export class RefreshProgressEvent extends Event {
  static readonly eventName = 'refresh-progress' as const
  readonly done: number
  readonly total: number
  readonly reason: SyncReason
  constructor(done: number, total: number, reason: SyncReason) {
    super(RefreshProgressEvent.eventName)
    this.done = done
    this.total = total
    this.reason = reason
  }
}

/**
 * IndexedDB refused or failed a read or write. The call that needed it also rejects with a
 * `BriefcaseClientError` of the same code; background work (sync, tabs) only fires this event.
 *
 * @example
 * ```ts
 * client.addEventListener('storage-error', (e) => {
 *   if (e.code === 'BRIEFCASE_STORAGE_QUOTA') alert('The device is out of space for offline data.')
 * })
 * ```
 */
export class StorageErrorEvent extends Event {
  static readonly eventName = 'storage-error' as const
  readonly code: BriefcaseClientErrorCode
  readonly error: unknown
  /** What was being done (`append`, `load`, `index`, `delete`, …). */
  readonly operation: string
  /** The IndexedDB database involved. */
  readonly database: string
  constructor(code: BriefcaseClientErrorCode, error: unknown, operation: string, database: string) {
    super(StorageErrorEvent.eventName)
    this.code = code
    this.error = error
    this.operation = operation
    this.database = database
  }
}

/** Where a record change came from. */
export type ChangeOrigin = 'local' | 'remote' | 'tab'

/**
 * A record changed: an edit here (`local`), from the relay (`remote`: live or bulk sync) or from
 * another tab of the same user (`tab`). Fired by the client and by the record's open handles.
 *
 * @example
 * ```ts
 * handle.addEventListener('record-change', () => render(handle.values()))
 * ```
 */
export class RecordChangeEvent extends Event {
  static readonly eventName = 'record-change' as const
  readonly doc: DocName
  readonly origin: ChangeOrigin
  constructor(doc: DocName, origin: ChangeOrigin) {
    super(RecordChangeEvent.eventName)
    this.doc = doc
    this.origin = origin
  }
}

/**
 * This user must be told something about their change: it was superseded by a later edit (who,
 * which value) or the record was deleted by someone else. Told, never asked: the merge already
 * happened. Notices stay on the pending change until `dismissNotices(doc)`.
 *
 * @example
 * ```ts
 * client.addEventListener('notice', (e) => toast(`${e.change.name}: your edit was ${e.kind}`))
 * ```
 */
export class NoticeEvent extends Event {
  static readonly eventName = 'notice' as const
  readonly doc: DocName
  readonly kind: 'superseded' | 'deleted'
  readonly change: PendingChangeView
  constructor(doc: DocName, kind: 'superseded' | 'deleted', change: PendingChangeView) {
    super(NoticeEvent.eventName)
    this.doc = doc
    this.kind = kind
    this.change = change
  }
}

/**
 * Records joined or left the cache, or their index entries changed (name, status, expiry).
 * `docs` is `null` when many may have changed (refresh, another tab): re-read `listCache()`.
 *
 * @example
 * ```ts
 * client.addEventListener('cache-change', async () => render(await client.listCache()))
 * ```
 */
export class CacheChangeEvent extends Event {
  static readonly eventName = 'cache-change' as const
  readonly docs: DocName[] | null
  constructor(docs: DocName[] | null) {
    super(CacheChangeEvent.eventName)
    this.docs = docs
  }
}

/** Every event a `BriefcaseClient` fires, by name. */
export interface BriefcaseClientEventMap {
  'status-change': StatusChangeEvent
  'pending-change': PendingChangeEvent
  'refresh-progress': RefreshProgressEvent
  'storage-error': StorageErrorEvent
  'record-change': RecordChangeEvent
  notice: NoticeEvent
  'cache-change': CacheChangeEvent
}

/** Every event a `RecordHandle` fires, by name. */
export interface RecordHandleEventMap {
  'record-change': RecordChangeEvent
  /** The handle's live connection went up or down (read `handle.live`). */
  'live-change': Event
}
