import type { CacheSource } from '@briefcase/protocol'
import type { DocName, RecordKey } from '@briefcase/record'
import type { CacheEntry } from '../cache-entry.js'
import type { IndexRecord } from './index-record.js'

const STRENGTH: readonly CacheSource[] = ['preference', 'briefcase', 'default', 'session']

/** The strongest of a record's reasons to be cached. */
export function primarySource(sources: readonly CacheSource[]): CacheSource {
  return STRENGTH.find((s) => sources.includes(s)) ?? 'session'
}

/** The public view of an index entry. */
export function toCacheEntry(record: IndexRecord): CacheEntry {
  return {
    doc: record.doc as DocName,
    sobject: record.sobject,
    key: record.key as RecordKey,
    name: record.name,
    source: primarySource(record.sources),
    sources: [...record.sources],
    items: [...record.items],
    lastAccess: record.lastAccess,
    lastOpened: record.lastOpened,
    expiresAt: record.expiresAt,
    pendingCount: record.pendingCount,
    syncStatus: record.syncStatus,
    draft: record.draft,
    deleted: record.deleted,
  }
}
