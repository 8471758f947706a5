import type { MergeEngine, RecordDocument } from '@briefcase/record'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type {
  DocKey,
  DocWrite,
  Durability,
  FieldGroupRecord,
  PendingEntry,
  PendingInput,
  RelayStore,
  StoredDoc,
} from '../store/relay-store.js'
import { docKeyString } from '../store/relay-store.js'
import type { CommitBatch, QueuedUpdate } from './commit-batch.js'
import { CommitQueue } from './commit-queue.js'
import type { QueuedWrite } from './doc-write.js'
import { committedMeta, docWriteOf, pendingInput } from './doc-write.js'
import type { HotDoc } from './hot-doc.js'
import { openHotDoc, ydocOf } from './hot-doc.js'
import type { RemoteOrigin } from './remote-changes.js'
import { RemoteChanges, compactFromStore, isRemoteOrigin } from './remote-changes.js'
import { RELAY_OWNER, ownerOfClient } from './update-guard.js'

/** The origin of the relay's own writes (Yjs engine's local origin). */
const LOCAL_ORIGIN = 'local'

/** Options of {@link DocHub}. */
export interface DocHubOptions {
  store: RelayStore
  engine: MergeEngine
  logger: Logger
  now?: () => number
  /** Documents kept in memory when nothing uses them (default 5000). */
  maxHotDocs?: number
  /**
   * Encoded bytes of the documents kept in memory when nothing uses them (default 32 MiB; a
   * document in memory takes several times its encoded size).
   */
  maxHotBytes?: number
  /** Compact a document after this many appended updates (default 200). */
  compactAfter?: number
  /**
   * How long after a live edit of a pending document its pending row and display name are
   * recomputed, in ms (default 1000; a relay alone on its store defers them, see `docWriteOf`).
   */
  pendingDelayMs?: number
  /** Called after each store transaction (for metrics). */
  onTransaction?: (info: TransactionInfo) => void
  /**
   * Other relays write to the same store (default false): a hot document is caught up from the
   * store whenever it is acquired, compacted from the store, and re-checked after a commit that
   * cleared its pending row.
   */
  shared?: boolean
}

/** One store transaction of the hub. */
export interface TransactionInfo {
  docs: number
  updates: number
  durability: Durability
  ms: number
}

/** A committed change of one document, as listeners receive it. */
export interface DocCommitEvent {
  key: DocKey
  hot: HotDoc
  /** The engine updates committed, with their origins (a live connection, `local` for the relay). */
  updates: QueuedUpdate[]
  /** The document's pending row after the commit (`null`: nothing for Salesforce). */
  pending: PendingInput | null
  /** Committed by another relay (its updates' origins are a `RemoteOrigin`). */
  remote?: boolean
}

/** Listener of {@link DocHub.onCommit}. */
export type DocCommitListener = (event: DocCommitEvent) => void

/**
 * Holds record documents by (name, group): loads them from the store, keeps hot ones in memory
 * (bounded, least recently used first out, never one in use), persists every change before it
 * is broadcast or acknowledged (group commit: the changes made in one turn of the event loop go
 * in one transaction), keeps the pending index, compacts, and tells listeners (live sync, the
 * projector) what was committed.
 */
export class DocHub {
  readonly store: RelayStore
  readonly engine: MergeEngine
  readonly #logger: Logger
  readonly #now: () => number
  readonly #maxHot: number
  readonly #maxBytes: number
  /** Encoded bytes of the hot documents. */
  #bytes = 0
  readonly #compactAfter: number
  readonly #onTransaction: ((info: TransactionInfo) => void) | undefined
  readonly #hot = new Map<string, HotDoc>()
  readonly #loading = new Map<string, Promise<HotDoc | undefined>>()
  readonly #groups = new Map<string, FieldGroupRecord>()
  readonly #listeners = new Set<DocCommitListener>()
  readonly #resetListeners = new Set<(hot: HotDoc, error: unknown) => void>()
  readonly #unsubscribe = new Map<HotDoc, () => void>()
  readonly #queue: CommitQueue
  readonly #shared: boolean
  readonly #remote: RemoteChanges
  readonly #pendingDelay: number
  /** Documents whose pending row was not recomputed at their last commit (live edits). */
  readonly #stale = new Set<HotDoc>()
  #staleTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: DocHubOptions) {
    this.store = options.store
    this.engine = options.engine
    this.#logger = options.logger
    this.#now = options.now ?? Date.now
    this.#maxHot = options.maxHotDocs ?? 5000
    this.#maxBytes = options.maxHotBytes ?? 32 * 1024 * 1024
    this.#compactAfter = options.compactAfter ?? 200
    this.#onTransaction = options.onTransaction
    this.#shared = options.shared ?? false
    this.#pendingDelay = options.pendingDelayMs ?? 1000
    this.#remote = new RemoteChanges({
      store: this.store,
      logger: this.#logger,
      hot: (key) => {
        const hot = this.#hot.get(docKeyString(key))
        return hot && !hot.broken ? hot : undefined
      },
      pin: (hot) => {
        hot.pins++
      },
      release: (hot) => this.release(hot),
      repend: (hot) => this.#queue.repend(hot),
    })
    this.#queue = new CommitQueue(
      this.store,
      (batch) => this.#commit(batch),
      (error: unknown) => this.#logger.error({ err: error }, 'commit failed'),
    )
  }

  // ── groups ─────────────────────────────────────────────────────────────────────────────────

  /** A field group's schema (a view or a partition), from memory or the store. */
  async group(id: string): Promise<FieldGroupRecord | undefined> {
    const known = this.#groups.get(id)
    if (known) return known
    const stored = await this.store.getGroup(id)
    if (stored) this.#groups.set(id, stored)
    return stored
  }

  /** Records a group (once per process unless it changes). */
  async putGroup(group: FieldGroupRecord): Promise<void> {
    const known = this.#groups.get(group.id)
    if (known && JSON.stringify(known) === JSON.stringify(group)) return
    await this.store.putGroup(group)
    this.#groups.set(group.id, group)
  }

  // ── opening ────────────────────────────────────────────────────────────────────────────────

  /**
   * The documents of `keys` that exist (in memory or in the store), pinned: call
   * {@link DocHub.release} for each when done. Missing ones are absent from the map. `transient`:
   * for a pass over many documents; those it loads are dropped once released.
   */
  async acquire(
    keys: readonly DocKey[],
    options: { transient?: boolean } = {},
  ): Promise<Map<string, HotDoc>> {
    const transient = options.transient === true
    const out = new Map<string, HotDoc>()
    const missing: DocKey[] = []
    const waits: Promise<void>[] = []
    const held: HotDoc[] = []
    for (const key of keys) {
      const k = docKeyString(key)
      const hot = this.#hot.get(k)
      if (hot && !hot.broken) {
        this.#touch(k, hot)
        if (!transient) hot.transient = false
        hot.pins++
        out.set(k, hot)
        held.push(hot)
        continue
      }
      const loading = this.#loading.get(k)
      if (loading) {
        waits.push(
          loading.then((h) => {
            if (!h) return
            h.pins++
            out.set(k, h)
          }),
        )
      } else missing.push(key)
    }
    if (missing.length > 0) {
      const load = this.#load(missing)
      for (const key of missing) {
        const k = docKeyString(key)
        const one = load.then((m) => m.get(k))
        this.#loading.set(k, one)
        waits.push(
          one.then(
            (h) => {
              this.#loading.delete(k)
              if (!h) return
              if (transient && h.pins === 0) h.transient = true
              h.pins++
              out.set(k, h)
            },
            (error: unknown) => {
              this.#loading.delete(k)
              throw error
            },
          ),
        )
      }
    }
    if (this.#shared && held.length > 0)
      waits.push(this.#remote.catchUp(held).then(() => undefined))
    try {
      await Promise.all(waits)
    } catch (error) {
      for (const hot of out.values()) this.release(hot)
      throw error
    }
    return out
  }

  /**
   * A new, empty document in memory, pinned. It reaches the store with its first change.
   * `owner` is the user creating a draft. Returns the existing one when it is already hot.
   */
  create(
    key: DocKey,
    group: FieldGroupRecord,
    owner: string | null = null,
    options: { transient?: boolean } = {},
  ): HotDoc {
    const k = docKeyString(key)
    const existing = this.#hot.get(k)
    if (existing && !existing.broken) {
      if (options.transient !== true) existing.transient = false
      existing.pins++
      return existing
    }
    const hot = this.#hold(key, group, null)
    hot.owner = owner
    hot.transient = options.transient === true
    hot.pins++
    return hot
  }

  /** Unpins a document taken with {@link DocHub.acquire} or {@link DocHub.create}. */
  release(hot: HotDoc): void {
    hot.pins = Math.max(0, hot.pins - 1)
    if (hot.pins === 0 && (hot.broken || (hot.transient && !this.#queue.holds(hot))))
      this.#drop(hot)
    else this.#evict()
  }

  /** True when the document is in memory here (it may hold changes not committed yet). */
  isHot(key: DocKey): boolean {
    const hot = this.#hot.get(docKeyString(key))
    return hot !== undefined && !hot.broken
  }

  /** Runs `fn` on a document; undefined when it does not exist. */
  async read<T>(key: DocKey, fn: (doc: RecordDocument, hot: HotDoc) => T): Promise<T | undefined> {
    const hot = (await this.acquire([key])).get(docKeyString(key))
    if (!hot) return undefined
    try {
      return fn(hot.doc, hot)
    } finally {
      this.release(hot)
    }
  }

  /**
   * Changes a document with the relay's authority (server records, acknowledgements, sync
   * status) and resolves once the change is durable, with `fn`'s result; `undefined` when the
   * document does not exist.
   */
  async mutate<T>(
    key: DocKey,
    fn: (doc: RecordDocument, hot: HotDoc) => T,
  ): Promise<{ value: T } | undefined> {
    const hot = (await this.acquire([key])).get(docKeyString(key))
    if (!hot) return undefined
    try {
      const value = fn(hot.doc, hot)
      await this.flush()
      return { value }
    } finally {
      this.release(hot)
    }
  }

  /**
   * Changes several documents as {@link DocHub.mutate} does, loaded together and made durable in
   * one commit (one transaction and fsync, not one each). `fn` runs on each document that exists;
   * resolves with how many did.
   */
  async mutateAll(
    keys: readonly DocKey[],
    fn: (doc: RecordDocument, key: DocKey) => void,
  ): Promise<number> {
    const hots = [...(await this.acquire(keys)).values()]
    try {
      for (const hot of hots) fn(hot.doc, hot.key)
      await this.flush()
      return hots.length
    } finally {
      for (const hot of hots) this.release(hot)
    }
  }

  /** Records that `user` holds a document (written with the next commit). */
  noteUser(hot: HotDoc, user: string): void {
    if (hot.users.has(user)) return
    hot.users.add(user)
    this.#queue.addUser(hot, user)
  }

  /** The owner (device or relay) of a Yjs client's content in a hot document. */
  ownerOf(hot: HotDoc, client: number): string | undefined {
    const ydoc = ydocOf(hot)
    if (client === ydoc.clientID) return RELAY_OWNER
    hot.owners ??= new Map()
    if (!hot.owners.has(client)) {
      const owner = ownerOfClient(ydoc, client)
      if (owner !== undefined) hot.owners.set(client, owner)
      return owner
    }
    return hot.owners.get(client)
  }

  /** The Y.Doc under a hot document (the relay runs the Yjs engine). */
  ydocOf(hot: HotDoc): Y.Doc {
    return ydocOf(hot)
  }

  // ── other relays ───────────────────────────────────────────────────────────────────────────

  /**
   * Applies updates another relay committed to the document, when it is hot here (they are
   * durable already: never committed again). Returns whether the document was hot.
   */
  applyRemote(key: DocKey, updates: readonly Uint8Array[], origin: RemoteOrigin): boolean {
    return this.#remote.applyRemote(key, updates, origin)
  }

  /**
   * Catches hot documents (of `keys`, or all) up with the store: what other relays committed
   * that this relay missed (a bus message lost, a subscription dropped). Resolves when applied.
   */
  refresh(keys?: readonly DocKey[]): Promise<void> {
    return this.#remote.refresh(keys ?? [...this.#hot.values()].map((h) => h.key))
  }

  /**
   * Drops the hot documents `filter` selects that nothing uses (unpinned, nothing queued), e.g.
   * the documents a layout change retired: they are loaded from the store again if needed.
   */
  dropIdle(filter: (hot: HotDoc) => boolean): void {
    for (const hot of [...this.#hot.values()]) {
      if (hot.pins === 0 && !this.#queue.holds(hot) && filter(hot)) this.#drop(hot)
    }
  }

  // ── committing ─────────────────────────────────────────────────────────────────────────────

  /**
   * Resolves when every change made so far is durable, rejects when its commit failed.
   * `synced` (default): on stable storage, as an acknowledgement needs; `written`: survives a
   * relay crash (enough before broadcasting: devices keep their changes until acknowledged).
   */
  flush(durability: Durability = 'synced'): Promise<void> {
    return this.#queue.flush(durability)
  }

  /** Calls `listener` after each committed change. Returns the unsubscribe. */
  onCommit(listener: DocCommitListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Calls `listener` when a document's commit failed and its memory state was dropped, with the
   * commit's error (a `StoreError` coded `BRIEFCASE_STORE_UNAVAILABLE` when the store is down).
   */
  onReset(listener: (hot: HotDoc, error: unknown) => void): () => void {
    this.#resetListeners.add(listener)
    return () => this.#resetListeners.delete(listener)
  }

  /** Documents with something Salesforce lacks, oldest change first. */
  listPending(options?: { limit?: number; sobject?: string }): Promise<PendingEntry[]> {
    return this.store.listPending(options)
  }

  /** Commits what is queued and releases every document. */
  async close(): Promise<void> {
    this.#recheckStale()
    await this.flush().catch((error: unknown) =>
      this.#logger.error({ err: error }, 'final commit failed'),
    )
    for (const hot of [...this.#hot.values()]) this.#drop(hot)
  }

  /** Hot documents (for metrics). */
  get hotCount(): number {
    return this.#hot.size
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  async #load(keys: readonly DocKey[]): Promise<Map<string, HotDoc>> {
    const stored = await this.store.loadDocs(keys)
    const out = new Map<string, HotDoc>()
    for (const [k, s] of stored) {
      const existing = this.#hot.get(k)
      if (existing && !existing.broken) {
        out.set(k, existing)
        continue
      }
      const group = await this.group(s.meta.group)
      if (!group) {
        this.#logger.error(
          { doc: s.meta.name, group: s.meta.group },
          'document of an unknown group',
        )
        continue
      }
      out.set(k, this.#hold(s.meta, group, s))
    }
    return out
  }

  #hold(key: DocKey, group: FieldGroupRecord, stored: StoredDoc | null): HotDoc {
    const hot = openHotDoc({ key, group, engine: this.engine, now: this.#now, stored })
    const replaced = this.#hot.get(docKeyString(key))
    if (replaced) this.#bytes -= replaced.bytes
    this.#bytes += hot.bytes
    const unsubscribe = hot.doc.engineDoc.onChange((payload, origin) => {
      hot.bytes += payload.length
      this.#bytes += payload.length
      if (isRemoteOrigin(origin)) {
        this.#emit({
          key: hot.key,
          hot,
          updates: [{ payload, origin }],
          pending: pendingInput(hot.group.sobject, hot.doc.pending()),
          remote: true,
        })
        return
      }
      if (origin === LOCAL_ORIGIN) hot.owners?.set(ydocOf(hot).clientID, RELAY_OWNER)
      this.#queue.enqueue(hot, { payload, origin })
    })
    this.#unsubscribe.set(hot, unsubscribe)
    this.#hot.set(docKeyString(key), hot)
    return hot
  }

  async #commit(batch: CommitBatch): Promise<void> {
    const writes: DocWrite[] = []
    const events: DocCommitEvent[] = []
    const queued: QueuedWrite[] = []
    let transactionMs: number
    try {
      for (const q of batch.docs.values()) {
        const w = docWriteOf(q, this.engine.name, !this.#shared)
        if (!w) continue
        if (q.updates.length > 0) w.write.stateVector = this.#committedVector(q.hot)
        writes.push(w.write)
        events.push({ key: q.hot.key, hot: q.hot, updates: q.updates, pending: w.pending ?? null })
        queued.push(w)
      }
      const started = performance.now()
      // `written` (in the WAL): a `synced` flush waits for the store's sync after this (see
      // CommitQueue), so that no broadcast waits for a disk flush.
      const seqs =
        writes.length > 0 ? await this.store.commit(writes, { durability: 'written' }) : []
      transactionMs = performance.now() - started
      const now = this.#now()
      events.forEach((event, i) => {
        const { hot } = event
        hot.meta = committedMeta(hot, writes[i] as DocWrite, now)
        const { pending, deferred } = queued[i] as QueuedWrite
        if (deferred) this.#deferRecheck(hot)
        else if (pending !== undefined) {
          hot.writtenPending = pending
          this.#stale.delete(hot)
        }
        if (event.updates.length > 0) {
          hot.lastSeq = Math.max(hot.lastSeq, seqs[i] ?? 0)
          hot.sinceCompaction += event.updates.length
        }
      })
      batch.settle()
    } catch (error) {
      for (const q of batch.docs.values()) this.#break(q.hot, error)
      batch.settle(error)
      return
    }
    for (const event of events) {
      if (event.updates.length === 0) continue
      this.#emit(event)
      // Another relay may have committed a change this copy lacked just before: its pending row
      // would be lost under ours. Catch up, and if anything came, write the row again.
      if (this.#shared && event.pending === null) this.#remote.recheckPending(event.hot)
      if (event.hot.sinceCompaction >= this.#compactAfter) await this.#compact(event.hot)
    }
    // Counted once the listeners (the broadcast) have run.
    if (writes.length > 0) {
      this.#onTransaction?.({
        docs: writes.length,
        updates: writes.reduce((n, w) => n + (w.updates?.length ?? 0), 0),
        durability: 'written',
        ms: transactionMs,
      })
    }
    this.#evict()
  }

  /**
   * The state vector a commit of `hot` leaves in the store, when exactly known: the document's
   * own now, unless later changes are already gathering for the next batch (the vector would
   * claim them) or other relays write to the store too (theirs may be missing here). `null`:
   * unknown, and bulk syncs of the document load it.
   */
  #committedVector(hot: HotDoc): Uint8Array | null {
    if (this.#shared || this.#queue.gathering(hot)) return null
    return Y.encodeStateVector(ydocOf(hot))
  }

  /** Recomputes the document's pending row shortly (see `pendingDelayMs`). */
  #deferRecheck(hot: HotDoc): void {
    this.#stale.add(hot)
    if (this.#staleTimer) return
    this.#staleTimer = setTimeout(() => this.#recheckStale(), this.#pendingDelay)
    this.#staleTimer.unref()
  }

  /** Queues the recomputation of every deferred pending row. */
  #recheckStale(): void {
    if (this.#staleTimer) clearTimeout(this.#staleTimer)
    this.#staleTimer = undefined
    for (const hot of this.#stale) if (!hot.broken) this.#queue.recheck(hot)
    this.#stale.clear()
  }

  #emit(event: DocCommitEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch (error) {
        this.#logger.error({ err: error, doc: event.key.name }, 'commit listener failed')
      }
    }
  }

  async #compact(hot: HotDoc): Promise<void> {
    const through = hot.lastSeq
    try {
      if (this.#shared) await compactFromStore(this.store, hot.key)
      else await this.store.compact(hot.key, Y.encodeStateAsUpdate(ydocOf(hot)), through)
      hot.sinceCompaction = 0
    } catch (error) {
      this.#logger.warn({ err: error, doc: hot.key.name }, 'compaction failed')
    }
  }

  #break(hot: HotDoc, error: unknown): void {
    if (hot.broken) return
    hot.broken = true
    this.#logger.error(
      { err: error, doc: hot.key.name, group: hot.key.group },
      'commit failed: dropping the document from memory',
    )
    for (const listener of this.#resetListeners) listener(hot, error)
    if (hot.pins === 0) this.#drop(hot)
  }

  #touch(k: string, hot: HotDoc): void {
    this.#hot.delete(k)
    this.#hot.set(k, hot)
  }

  /**
   * Least recently used first, while over either bound; never a document in use, queued, or with
   * its pending row to recheck.
   */
  #evict(): void {
    const over = (): boolean => this.#hot.size > this.#maxHot || this.#bytes > this.#maxBytes
    if (!over()) return
    for (const hot of this.#hot.values()) {
      if (!over()) break
      if (hot.pins > 0 || this.#queue.holds(hot) || this.#stale.has(hot)) continue
      this.#drop(hot)
    }
  }

  #drop(hot: HotDoc): void {
    const k = docKeyString(hot.key)
    if (this.#hot.get(k) === hot) {
      this.#hot.delete(k)
      this.#bytes -= hot.bytes
    }
    this.#unsubscribe.get(hot)?.()
    this.#unsubscribe.delete(hot)
    this.#stale.delete(hot)
    hot.doc.destroy()
  }
}
