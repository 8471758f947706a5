import type { MergeEngine, PendingChange } from '@briefcase/record'
import {
  PayloadKind,
  RecordDocument,
  YjsEngineDoc,
  createHybridClock,
  parseDeviceId,
  parseDocName,
  sealEnvelope,
} from '@briefcase/record'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type {
  DocKey,
  DocMeta,
  Durability,
  DocMetaInput,
  DocWrite,
  FieldGroupRecord,
  PendingEntry,
  PendingInput,
  RelayStore,
  StoredDoc,
} from '../store/relay-store.js'
import { docKeyString } from '../store/relay-store.js'
import { CommitBatch } from './commit-batch.js'
import type { QueuedUpdate } from './commit-batch.js'
import type { HotDoc } from './hot-doc.js'
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
  /** Compact a document after this many appended updates (default 200). */
  compactAfter?: number
  /** Called after each store transaction (for metrics). */
  onTransaction?: (info: TransactionInfo) => void
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
}

/** Listener of {@link DocHub.onCommit}. */
export type DocCommitListener = (event: DocCommitEvent) => void

/** The relay's own identity inside record documents. */
const RELAY_DEVICE = parseDeviceId('relay')

function pendingInput(sobject: string, pc: PendingChange | null): PendingInput | null {
  if (!pc || pc.operation === null) return null
  return {
    sobject,
    operation: pc.operation,
    firstChangeAt: pc.firstChangeAt,
    dependsOn: [...pc.dependsOn],
    status: pc.status?.state ?? null,
  }
}

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
  readonly #compactAfter: number
  readonly #onTransaction: ((info: TransactionInfo) => void) | undefined
  readonly #hot = new Map<string, HotDoc>()
  readonly #loading = new Map<string, Promise<HotDoc | undefined>>()
  readonly #groups = new Map<string, FieldGroupRecord>()
  readonly #listeners = new Set<DocCommitListener>()
  readonly #resetListeners = new Set<(hot: HotDoc) => void>()
  readonly #unsubscribe = new Map<HotDoc, () => void>()
  #batch = new CommitBatch()
  readonly #committing = new Set<CommitBatch>()
  #inflight: Promise<void> = Promise.resolve()
  #scheduled = false
  /** Dispatch order of commits and syncs (they run one at a time, in this order). */
  #dispatched = 0
  /** The last `written` commit dispatched, and the last commit or sync known `synced`. */
  #lastWritten = 0
  #lastSynced = 0

  constructor(options: DocHubOptions) {
    this.store = options.store
    this.engine = options.engine
    this.#logger = options.logger
    this.#now = options.now ?? Date.now
    this.#maxHot = options.maxHotDocs ?? 5000
    this.#compactAfter = options.compactAfter ?? 200
    this.#onTransaction = options.onTransaction
  }

  // ── groups ─────────────────────────────────────────────────────────────────────────────────

  /** A field-visibility group's schema, from memory or the store. */
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
   * {@link DocHub.release} for each when done. Missing ones are absent from the map.
   */
  async acquire(keys: readonly DocKey[]): Promise<Map<string, HotDoc>> {
    const out = new Map<string, HotDoc>()
    const missing: DocKey[] = []
    const waits: Promise<void>[] = []
    for (const key of keys) {
      const k = docKeyString(key)
      const hot = this.#hot.get(k)
      if (hot && !hot.broken) {
        this.#touch(k, hot)
        hot.pins++
        out.set(k, hot)
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
    await Promise.all(waits)
    return out
  }

  /**
   * A new, empty document in memory, pinned. It reaches the store with its first change.
   * `owner` is the user creating a draft. Returns the existing one when it is already hot.
   */
  create(key: DocKey, group: FieldGroupRecord, owner: string | null = null): HotDoc {
    const k = docKeyString(key)
    const existing = this.#hot.get(k)
    if (existing && !existing.broken) {
      existing.pins++
      return existing
    }
    const hot = this.#hold(key, group, null, null)
    hot.owner = owner
    hot.pins++
    return hot
  }

  /** Unpins a document taken with {@link DocHub.acquire} or {@link DocHub.create}. */
  release(hot: HotDoc): void {
    hot.pins = Math.max(0, hot.pins - 1)
    if (hot.pins === 0 && hot.broken) this.#drop(hot)
    else this.#evict()
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

  /** Records that `user` holds a document (written with the next commit). */
  noteUser(hot: HotDoc, user: string): void {
    if (hot.users.has(user)) return
    hot.users.add(user)
    this.#batch.entry(hot).users.add(user)
    this.#schedule()
  }

  /** The owner (device or relay) of a Yjs client's content in a hot document. */
  ownerOf(hot: HotDoc, client: number): string | undefined {
    const ydoc = this.ydocOf(hot)
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
    const engineDoc = hot.doc.engineDoc
    if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('The relay needs the Yjs engine.')
    return engineDoc.ydoc
  }

  // ── committing ─────────────────────────────────────────────────────────────────────────────

  /**
   * Resolves when every change made so far is durable, rejects when its commit failed.
   * `synced` (default): on stable storage, as an acknowledgement needs; `written`: survives a
   * relay crash (enough before broadcasting: devices keep their changes until acknowledged).
   */
  flush(durability: Durability = 'synced'): Promise<void> {
    const batch = this.#batch
    const previous = this.#inflight
    if (batch.empty) {
      if (durability === 'written' || this.#lastWritten <= this.#lastSynced) return previous
      const seq = ++this.#dispatched
      const synced: Promise<void> = previous
        .catch(() => undefined)
        .then(() => this.store.sync())
        .then(() => {
          this.#lastSynced = Math.max(this.#lastSynced, seq)
        })
      this.#inflight = synced
      synced.then(
        () => this.#settled(synced),
        () => this.#settled(synced),
      )
      return Promise.all([previous, synced]).then(() => undefined)
    }
    if (durability === 'synced') batch.durability = 'synced'
    const seq = ++this.#dispatched
    if (batch.durability === 'written') this.#lastWritten = seq
    this.#batch = new CommitBatch()
    this.#committing.add(batch)
    const chain: Promise<void> = previous
      .catch(() => undefined)
      .then(() => this.#commit(batch, seq))
      .finally(() => this.#committing.delete(batch))
      .then(() => batch.done)
    this.#inflight = chain
    chain.then(
      () => this.#settled(chain),
      () => this.#settled(chain),
    )
    return Promise.all([previous, chain]).then(() => undefined)
  }

  #settled(chain: Promise<void>): void {
    if (this.#inflight === chain) this.#inflight = Promise.resolve()
  }

  /** Calls `listener` after each committed change. Returns the unsubscribe. */
  onCommit(listener: DocCommitListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Calls `listener` when a document's commit failed and its memory state was dropped. */
  onReset(listener: (hot: HotDoc) => void): () => void {
    this.#resetListeners.add(listener)
    return () => this.#resetListeners.delete(listener)
  }

  /** Documents with something Salesforce lacks, oldest change first. */
  listPending(options?: { limit?: number; sobject?: string }): Promise<PendingEntry[]> {
    return this.store.listPending(options)
  }

  /** Commits what is queued and releases every document. */
  async close(): Promise<void> {
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
      out.set(k, this.#hold(s.meta, group, s, s.meta))
    }
    return out
  }

  #hold(
    key: DocKey,
    group: FieldGroupRecord,
    stored: StoredDoc | null,
    meta: DocMeta | null,
  ): HotDoc {
    const parts = parseDocName(key.name)
    let state: Uint8Array | undefined
    if (stored) {
      const parts2 = [...(stored.state ? [stored.state] : []), ...stored.updates.map((u) => u.data)]
      if (parts2.length > 0) {
        const payload = parts2.length === 1 ? (parts2[0] as Uint8Array) : Y.mergeUpdates(parts2)
        state = sealEnvelope({
          engine: this.engine.name,
          kind: PayloadKind.update,
          name: parts.name,
          payload,
        })
      }
    }
    const doc = RecordDocument.open({
      engine: this.engine,
      name: parts.name,
      schema: group.schema,
      actor: { user: 'relay', device: RELAY_DEVICE },
      clock: createHybridClock({ device: RELAY_DEVICE, now: this.#now }),
      ...(state ? { state } : {}),
    })
    const hot: HotDoc = {
      key: { name: key.name, group: key.group },
      doc,
      group,
      meta,
      owner: meta?.owner ?? null,
      lastSeq: stored ? (stored.updates.at(-1)?.seq ?? stored.stateSeq) : 0,
      sinceCompaction: stored?.updates.length ?? 0,
      pins: 0,
      owners: null,
      users: new Set(),
      broken: false,
    }
    const unsubscribe = doc.engineDoc.onChange((payload, origin) => {
      if (origin === LOCAL_ORIGIN) hot.owners?.set(this.ydocOf(hot).clientID, RELAY_OWNER)
      this.#batch.entry(hot).updates.push({ payload, origin })
      this.#schedule()
    })
    this.#unsubscribe.set(hot, unsubscribe)
    this.#hot.set(docKeyString(key), hot)
    return hot
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.flush('written').catch((error: unknown) =>
        this.#logger.error({ err: error }, 'commit failed'),
      )
    })
  }

  #metaInput(hot: HotDoc): DocMetaInput {
    const parts = parseDocName(hot.key.name)
    const field = hot.group.nameField
    const name = field && Object.hasOwn(hot.group.schema.fields, field) ? hot.doc.get(field) : null
    return {
      sobject: parts.sobject,
      key: parts.key,
      engine: this.engine.name,
      ...(hot.meta === null ? { owner: hot.owner } : {}),
      displayName: typeof name === 'string' && name !== '' ? name : null,
      salesforceId: hot.doc.salesforceId(),
    }
  }

  async #commit(batch: CommitBatch, seq: number): Promise<void> {
    const writes: DocWrite[] = []
    const events: DocCommitEvent[] = []
    try {
      for (const q of batch.docs.values()) {
        const { hot } = q
        if (hot.broken || (q.updates.length === 0 && hot.meta === null)) continue
        const pending =
          q.updates.length > 0 ? pendingInput(hot.group.sobject, hot.doc.pending()) : undefined
        writes.push({
          key: hot.key,
          ...(q.updates.length > 0 || hot.meta === null ? { meta: this.#metaInput(hot) } : {}),
          updates: q.updates.map((u) => u.payload),
          ...(pending === undefined ? {} : { pending }),
          users: [...q.users],
        })
        events.push({ key: hot.key, hot, updates: q.updates, pending: pending ?? null })
      }
      const started = performance.now()
      const seqs =
        writes.length > 0 || batch.durability === 'synced'
          ? await this.store.commit(writes, { durability: batch.durability })
          : []
      if (writes.length > 0) {
        this.#onTransaction?.({
          docs: writes.length,
          updates: writes.reduce((n, w) => n + (w.updates?.length ?? 0), 0),
          durability: batch.durability,
          ms: performance.now() - started,
        })
      }
      if (batch.durability === 'synced') this.#lastSynced = Math.max(this.#lastSynced, seq)
      const now = this.#now()
      events.forEach((event, i) => {
        const { hot } = event
        const write = writes[i] as DocWrite
        if (write.meta) {
          hot.meta = {
            name: hot.key.name,
            group: hot.key.group,
            sobject: write.meta.sobject,
            key: write.meta.key,
            engine: write.meta.engine,
            owner: hot.meta ? hot.meta.owner : hot.owner,
            displayName: write.meta.displayName ?? null,
            salesforceId: write.meta.salesforceId ?? null,
            createdAt: hot.meta?.createdAt ?? now,
            updatedAt: now,
          }
        }
        if (event.updates.length > 0) {
          hot.lastSeq = seqs[i] ?? hot.lastSeq
          hot.sinceCompaction += event.updates.length
        }
      })
      batch.settle()
    } catch (error) {
      for (const q of batch.docs.values()) this.#break(q.hot)
      batch.settle(error)
      return
    }
    for (const event of events) {
      if (event.updates.length === 0) continue
      for (const listener of this.#listeners) {
        try {
          listener(event)
        } catch (error) {
          this.#logger.error({ err: error, doc: event.key.name }, 'commit listener failed')
        }
      }
      if (event.hot.sinceCompaction >= this.#compactAfter) await this.#compact(event.hot)
    }
    this.#evict()
  }

  async #compact(hot: HotDoc): Promise<void> {
    const through = hot.lastSeq
    try {
      await this.store.compact(hot.key, Y.encodeStateAsUpdate(this.ydocOf(hot)), through)
      hot.sinceCompaction = 0
    } catch (error) {
      this.#logger.warn({ err: error, doc: hot.key.name }, 'compaction failed')
    }
  }

  #break(hot: HotDoc): void {
    if (hot.broken) return
    hot.broken = true
    this.#logger.error(
      { doc: hot.key.name, group: hot.key.group },
      'commit failed: dropping the document from memory',
    )
    for (const listener of this.#resetListeners) listener(hot)
    if (hot.pins === 0) this.#drop(hot)
  }

  #touch(k: string, hot: HotDoc): void {
    this.#hot.delete(k)
    this.#hot.set(k, hot)
  }

  #evict(): void {
    if (this.#hot.size <= this.#maxHot) return
    for (const hot of this.#hot.values()) {
      if (this.#hot.size <= this.#maxHot) break
      if (hot.pins > 0 || this.#batch.docs.has(hot)) continue
      if ([...this.#committing].some((b) => b.docs.has(hot))) continue
      this.#drop(hot)
    }
  }

  #drop(hot: HotDoc): void {
    const k = docKeyString(hot.key)
    if (this.#hot.get(k) === hot) this.#hot.delete(k)
    this.#unsubscribe.get(hot)?.()
    this.#unsubscribe.delete(hot)
    hot.doc.destroy()
  }
}
