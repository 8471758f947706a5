import type { CacheSource } from '@briefcase/protocol'
import type { PendingChange } from '@briefcase/record'
import type { CacheSyncStatus } from '../cache-entry.js'
import { covers } from '../sync/state-vectors.js'

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
  /** The fields of the main document as stored (absent: a cache from before ADR 0005). */
  fields?: string[]
  /**
   * The record's other partition documents (fields only some users read, ADR 0005), by wire
   * name (`<SObject>/<key>/<partition>`): each one's own pending change and state vectors. The
   * fields above are the main document's; {@link recordPending} and {@link relayHasAll} combine.
   */
  parts?: Record<string, PartState>
}

/** What the index keeps of one partition document of a record. */
export interface PartState {
  pending: PendingChange | null
  deviceSV: Uint8Array | null
  relaySV: Uint8Array | null
  /** The fields the stored document was written with (absent: a cache from before ADR 0005). */
  fields?: string[]
}

/** Every document of a record: the main one, then its partitions, each with its state. */
export function recordDocs(record: IndexRecord): (PartState & { name: string })[] {
  const main = { name: record.doc, ...pick(record) }
  return [main, ...Object.entries(record.parts ?? {}).map(([name, p]) => ({ name, ...p }))]
}

function pick(state: PartState): PartState {
  const picked: PartState = {
    pending: state.pending,
    deviceSV: state.deviceSV,
    relaySV: state.relaySV,
  }
  if (state.fields) picked.fields = state.fields
  return picked
}

/** The state of one document of a record (`name`: its wire name), or `null` if unknown. */
export function docState(record: IndexRecord, name: string): PartState | null {
  if (name === record.doc) return pick(record)
  return record.parts?.[name] ?? null
}

/** The record with one document's state replaced (`null`: that partition document dropped). */
export function withDocState(
  record: IndexRecord,
  name: string,
  state: Partial<PartState> | null,
): IndexRecord {
  if (name === record.doc) return state ? { ...record, ...state } : record
  const parts = { ...record.parts }
  if (state === null) delete parts[name]
  else
    parts[name] = { ...(parts[name] ?? { pending: null, deviceSV: null, relaySV: null }), ...state }
  return { ...record, parts }
}

/** True when the relay holds every change of every document of the record. */
export function relayHasAll(record: IndexRecord): boolean {
  return recordDocs(record).every((d) => covers(d.relaySV, d.deviceSV))
}

/**
 * The record's pending change across its documents: one change whose fields are every
 * document's (partitions hold disjoint fields), the main document's operation and deletion.
 */
export function recordPending(record: IndexRecord): PendingChange | null {
  return combinePending(recordDocs(record).map((d) => d.pending))
}

/** Combines the pending changes of a record's documents, main first (see {@link recordPending}). */
export function combinePending(all: readonly (PendingChange | null)[]): PendingChange | null {
  const [main, ...others] = all
  const parts = others.filter((p): p is PendingChange => p !== null)
  const [head] = parts
  if (!head) return main ?? null
  const first = main ?? head
  const every = main ? [main, ...parts] : parts
  const stamps = every.map((p) => p.firstChangeAt).filter((s) => s !== null)
  const failed = every.find((p) => p.status?.state === 'error')
  const operation = main?.operation ?? (parts.some((p) => p.operation !== null) ? 'update' : null)
  return {
    ...first,
    operation,
    fields: every.flatMap((p) => p.fields),
    superseded: every.flatMap((p) => p.superseded),
    beaten: every.flatMap((p) => p.beaten),
    dependsOn: [...new Set(every.flatMap((p) => p.dependsOn))],
    firstChangeAt: stamps.sort()[0] ?? null,
    status: failed?.status ?? main?.status ?? first.status,
  }
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
