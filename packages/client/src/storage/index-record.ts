import type { CacheSource } from '@briefcase/protocol'
import type { PendingChange } from '@briefcase/record'
import type { CacheSyncStatus } from '../cache-entry.js'

/**
 * One record's entry in the cache index, as stored. Everything the cache list, the counts, the
 * pending list, expiry and bulk sync need, so none of them opens the record document.
 */
export interface IndexRecord {
  doc: string
  sobject: string
  key: string
  name: string
  sources: CacheSource[]
  items: string[]
  lastAccess: number
  lastOpened: number | null
  expiresAt: number
  /** Derived from `pending`, `deviceSV` and `relaySV` whenever one of them changes. */
  pendingCount: number
  syncStatus: CacheSyncStatus
  draft: boolean
  deleted: boolean
  /**
   * Sort key of the pending list, present only while the record is on it (the index over it is
   * sparse, so listing pending changes reads only those records).
   */
  pendingOrder?: string
  /** The record's pending change as the record model derived it (`null`: nothing). */
  pending: PendingChange | null
  /** Yjs state vector of what is stored on the device; `null` before the first download. */
  deviceSV: Uint8Array | null
  /** Yjs state vector the relay last reported after a durable commit; `null`: never synced. */
  relaySV: Uint8Array | null
  /** The relay's last refusal to sync this record. */
  syncError: { code: string; message: string } | null
}

/** A new index entry for a record that joins the cache. */
export function newIndexRecord(fields: {
  doc: string
  sobject: string
  key: string
  name: string
  sources: CacheSource[]
  items?: string[]
  now: number
  expiryMs: number
  opened?: boolean
}): IndexRecord {
  return {
    doc: fields.doc,
    sobject: fields.sobject,
    key: fields.key,
    name: fields.name,
    sources: fields.sources,
    items: fields.items ?? [],
    lastAccess: fields.now,
    lastOpened: fields.opened ? fields.now : null,
    expiresAt: fields.now + fields.expiryMs,
    pendingCount: 0,
    syncStatus: 'loading',
    draft: false,
    deleted: false,
    pending: null,
    deviceSV: null,
    relaySV: null,
    syncError: null,
  }
}
