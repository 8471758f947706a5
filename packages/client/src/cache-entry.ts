import type { CacheSource } from '@briefcase/protocol'
import type { DocName, RecordKey } from '@briefcase/record'

/**
 * Where a cached record stands with Salesforce and the relay, as the cache list shows it.
 * - `synced`: nothing pending on this device.
 * - `saved`: a change is stored on this device only.
 * - `received`: the relay durably holds every change of this device.
 * - `failed`: Salesforce refused the change (see the pending change for code and fields).
 * - `superseded`: another user's later edit (or a newer server change) beat this user's edit.
 * - `deleted`: another user (or Salesforce) deleted the record; this user's edits lost.
 * - `loading`: in the cache plan, not downloaded yet.
 */
export const CacheSyncStatus = {
  synced: 'synced',
  saved: 'saved',
  received: 'received',
  failed: 'failed',
  superseded: 'superseded',
  deleted: 'deleted',
  loading: 'loading',
} as const
/** One of {@link CacheSyncStatus}'s values. */
export type CacheSyncStatus = (typeof CacheSyncStatus)[keyof typeof CacheSyncStatus]

/**
 * One record of the cache, read from the cache index only (no record document is opened to list
 * or count the cache).
 */
export interface CacheEntry {
  /** `<SObject>/<key>`. */
  doc: DocName
  sobject: string
  /** The Salesforce Id, or the draft key of a record created on a device. */
  key: RecordKey
  /** Display name (the object's name field). */
  name: string
  /** The strongest reason it is cached: preference, briefcase, default, then session. */
  source: CacheSource
  /** Every reason it is cached (a record can be both planned and opened). */
  sources: CacheSource[]
  /** Offline items (or default-policy parts) that brought it. */
  items: string[]
  /**
   * Last access, ms since the epoch: the later of the last time it was opened on this device and
   * the last refresh whose plan held it.
   */
  lastAccess: number
  /** Last time it was opened on this device, or `null`. */
  lastOpened: number | null
  /** When it leaves the cache (30 days after `lastAccess`), unless a change is pending. */
  expiresAt: number
  /** Number of changes Salesforce does not have yet (fields; 1 for a delete). */
  pendingCount: number
  syncStatus: CacheSyncStatus
  /** Created on a device and not yet in Salesforce. */
  draft: boolean
  deleted: boolean
}

/** Filters of `listCache()` and `countCache()`. */
export interface ListCacheOptions {
  /** Only records of this object. */
  sobject?: string
  /** Only records with this reason among their sources. */
  source?: CacheSource
  /** Most entries to return (listing only). */
  limit?: number
  /** Entries to skip (listing only), for paging. */
  offset?: number
}

/** A dashboard snapshot cached read-only by a refresh. */
export interface CachedDashboard {
  id: string
  title: string
  /** The offline item (or default-policy part) that brought it. */
  item: string
  /** The dashboard's results as the org returned them. */
  snapshot: unknown
  /** ISO time the snapshot was taken. */
  takenAt: string
}
