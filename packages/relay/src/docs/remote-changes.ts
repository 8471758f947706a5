import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { DocKey, RelayStore, StoredDoc } from '../store/relay-store.js'
import { docKeyString } from '../store/relay-store.js'
import type { HotDoc } from './hot-doc.js'
import { ydocOf } from './hot-doc.js'

/**
 * The origin of changes another relay committed, applied to a hot document from the bus or
 * caught up from the store: they are already durable, so the hub never commits them again; it
 * tells its listeners (live connections, the projector) as it does of its own commits.
 */
export interface RemoteOrigin {
  readonly kind: 'remote'
  /** They came from a device (or are unknown, caught up from the store). */
  readonly fromDevice: boolean
  /** A device sent them by bulk sync. */
  readonly bulk: boolean
}

/** Changes caught up from the store (who made them is unknown: treated as a device's). */
export const STORE_ORIGIN: RemoteOrigin = { kind: 'remote', fromDevice: true, bulk: false }

/** Whether an update's origin is {@link RemoteOrigin}. */
export function isRemoteOrigin(origin: unknown): origin is RemoteOrigin {
  return (
    typeof origin === 'object' &&
    origin !== null &&
    (origin as { kind?: unknown }).kind === 'remote'
  )
}

/**
 * Whether an update came by bulk sync: its origin is `{ kind: 'bulk' }`, or another relay's
 * bulk sync (live ones are a connection).
 */
export function isBulkOrigin(origin: unknown): boolean {
  if (isRemoteOrigin(origin)) return origin.bulk
  return (
    typeof origin === 'object' && origin !== null && (origin as { kind?: unknown }).kind === 'bulk'
  )
}

/** The last sequence number a stored document holds. */
export function lastSeqOf(stored: StoredDoc): number {
  return stored.updates.at(-1)?.seq ?? stored.stateSeq
}

/** A stored document's state and updates as one Yjs update (null when empty). */
export function storedUpdate(stored: StoredDoc): Uint8Array | null {
  const parts = [...(stored.state ? [stored.state] : []), ...stored.updates.map((u) => u.data)]
  if (parts.length === 0) return null
  return parts.length === 1 ? (parts[0] as Uint8Array) : Y.mergeUpdates(parts)
}

/**
 * Applies what the store holds of a document that this hot copy lacks (Yjs skips what it has).
 * Returns whether anything was new.
 */
export function catchUp(hot: HotDoc, stored: StoredDoc, origin: RemoteOrigin): boolean {
  const ydoc = ydocOf(hot)
  const update = storedUpdate(stored)
  hot.lastSeq = Math.max(hot.lastSeq, lastSeqOf(stored))
  if (!update) return false
  let changed = false
  const seen = (): void => {
    changed = true
  }
  ydoc.on('update', seen)
  try {
    Y.applyUpdate(ydoc, Y.diffUpdate(update, Y.encodeStateVector(ydoc)), origin)
  } finally {
    ydoc.off('update', seen)
  }
  return changed
}

/**
 * Compacts a document from what the store holds, not from memory: with several relays a hot copy
 * may lack another relay's latest updates, which a compaction from memory would drop.
 */
export async function compactFromStore(store: RelayStore, key: DocKey): Promise<void> {
  const stored = (await store.loadDocs([key])).values().next().value
  if (!stored || stored.updates.length === 0) return
  const update = storedUpdate(stored)
  if (update) await store.compact(key, update, lastSeqOf(stored))
}

/** What {@link RemoteChanges} needs of the hub. */
export interface RemoteChangesHost {
  store: RelayStore
  logger: Logger
  /** The hot, unbroken document of a key. */
  hot(key: DocKey): HotDoc | undefined
  pin(hot: HotDoc): void
  release(hot: HotDoc): void
  /** Queues a rewrite of the document's pending row. */
  repend(hot: HotDoc): void
}

/**
 * The hub's side of other relays' changes: applies what the bus brings to hot documents and
 * catches them up from the store (the hub's listeners hear of both as of a remote commit).
 */
export class RemoteChanges {
  readonly #host: RemoteChangesHost

  constructor(host: RemoteChangesHost) {
    this.#host = host
  }

  /** Applies another relay's committed updates to a hot document; false when it is not hot. */
  applyRemote(key: DocKey, updates: readonly Uint8Array[], origin: RemoteOrigin): boolean {
    const hot = this.#host.hot(key)
    if (!hot) return false
    const ydoc = ydocOf(hot)
    for (const update of updates) Y.applyUpdate(ydoc, update, origin)
    return true
  }

  /** Catches the hot ones of `keys` up with the store. */
  async refresh(keys: readonly DocKey[]): Promise<void> {
    const hots = keys.map((k) => this.#host.hot(k)).filter((h): h is HotDoc => h !== undefined)
    for (const hot of hots) this.#host.pin(hot)
    try {
      await this.catchUp(hots)
    } finally {
      for (const hot of hots) this.#host.release(hot)
    }
  }

  /** Catches pinned documents up with the store; returns the keys of those that changed. */
  async catchUp(hots: readonly HotDoc[]): Promise<string[]> {
    if (hots.length === 0) return []
    const stored = await this.#host.store.loadDocs(hots.map((h) => h.key))
    const changed: string[] = []
    for (const hot of hots) {
      const s = stored.get(docKeyString(hot.key))
      if (s && !hot.broken && catchUp(hot, s, STORE_ORIGIN)) changed.push(docKeyString(hot.key))
    }
    return changed
  }

  /**
   * After a commit cleared a document's pending row: another relay may have committed a change
   * this copy lacked just before, whose row ours replaced. Catches up; if anything came, the
   * row is written again.
   */
  recheckPending(hot: HotDoc): void {
    this.#host.pin(hot)
    this.catchUp([hot])
      .then((changed) => {
        if (changed.length > 0) this.#host.repend(hot)
      })
      .catch((error: unknown) =>
        this.#host.logger.warn({ err: error, doc: hot.key.name }, 'pending re-check failed'),
      )
      .finally(() => this.#host.release(hot))
  }
}
