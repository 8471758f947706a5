import type { SchemaResponse } from '@briefcase/protocol'
import { parseSyncName } from '@briefcase/protocol'
import type { Actor, DocName, HybridClock } from '@briefcase/record'
import { RecordDocument, YjsEngineDoc, parseDocName, yjsEngine } from '@briefcase/record'
import * as Y from 'yjs'
import type { ChangeOrigin } from '../events.js'
import type { Viewer } from '../pending/pending-state.js'
import { withDerived } from '../pending/pending-state.js'
import type { CacheIndex, IndexChange } from '../storage/cache-index.js'
import type { DocStore } from '../storage/doc-store.js'
import type { IndexRecord } from '../storage/index-record.js'
import { docState, withDocState } from '../storage/index-record.js'
import { BULK_ORIGIN, LOAD_ORIGIN, LoadedDoc, changeOrigin } from './loaded-doc.js'
import { schemaOfDoc } from './record-parts.js'

/** Rows beyond which a document is compacted into one when it is loaded. */
const COMPACT_ROWS = 8

/** What {@link LoadedDocs} needs. */
export interface LoadedDocsOptions {
  store: DocStore
  index: CacheIndex
  actor: Actor
  clock: HybridClock
  viewer: Viewer
  /** Who this device shows as in awareness (`user` field of the local state). */
  presence: { id: string; name: string; device: string }
  schema: (sobject: string) => Promise<SchemaResponse>
  /**
   * An update of `doc` was stored (or is being stored): broadcast it, schedule a push of its
   * record.
   */
  onStored: (doc: string, record: DocName, update: Uint8Array, origin: ChangeOrigin) => void
  /** A loaded document of `record` changed (any origin). */
  onChange: (record: DocName, origin: ChangeOrigin) => void
  /** Index entries changed. */
  onIndexChanges: (changes: IndexChange[]) => void
  onIgnoredError: (error: unknown, context: string) => void
}

/**
 * The record documents loaded in memory, shared and reference-counted. Every update that is not
 * read from IndexedDB or received from another tab is appended to the document's database, and
 * the document's index entry (pending change, state vector, name) is rewritten after it.
 */
export class LoadedDocs {
  readonly #o: LoadedDocsOptions
  readonly #loaded = new Map<string, LoadedDoc>()
  /** Device edits whose append has not settled yet. */
  #storing = 0
  readonly #loading = new Map<string, Promise<LoadedDoc>>()
  readonly #closing = new Map<string, Promise<void>>()
  readonly #summaries = new Map<
    string,
    { dirty: boolean; durable: boolean; running: Promise<void> | null }
  >()
  /** Documents a bulk apply is updating: their index entries are written once for the batch. */
  readonly #batched = new Set<string>()

  constructor(options: LoadedDocsOptions) {
    this.#o = options
  }

  get(doc: string): LoadedDoc | undefined {
    return this.#loaded.get(doc)
  }

  /** True while an edit made on this device is not yet committed to IndexedDB. */
  get storing(): boolean {
    return this.#storing > 0
  }

  /** Every loaded document. */
  all(): LoadedDoc[] {
    return [...this.#loaded.values()]
  }

  /** Loads a document (or shares the loaded one) and holds it until {@link release}. */
  async acquire(doc: string, created?: RecordDocument): Promise<LoadedDoc> {
    await this.#closing.get(doc)
    let loaded = this.#loaded.get(doc)
    if (!loaded) {
      let loading = this.#loading.get(doc)
      if (!loading) {
        loading = this.#load(doc, created)
        this.#loading.set(doc, loading)
        loading.then(
          () => this.#loading.delete(doc),
          () => this.#loading.delete(doc),
        )
      }
      loaded = await loading
    }
    loaded.refs += 1
    return loaded
  }

  /** Lets go of a document; the last holder's release stores what is left and unloads it. */
  async release(loaded: LoadedDoc): Promise<void> {
    loaded.refs -= 1
    if (loaded.refs > 0) return
    this.#loaded.delete(loaded.doc)
    const closing = loaded
      .flushed()
      .catch((e: unknown) => this.#o.onIgnoredError(e, `store ${loaded.doc} before unloading`))
      .then(() => loaded.destroy())
    this.#closing.set(loaded.doc, closing)
    await closing
    if (this.#closing.get(loaded.doc) === closing) this.#closing.delete(loaded.doc)
  }

  /** Runs `work` on a document loaded for it, and waits until its changes are stored. */
  async with<T>(doc: string, work: (loaded: LoadedDoc) => T | Promise<T>): Promise<T> {
    const loaded = await this.acquire(doc)
    try {
      const result = await work(loaded)
      await loaded.flushed()
      return result
    } finally {
      await this.release(loaded)
    }
  }

  /**
   * Resolves `true` once nothing holds the document any more (it is unloaded and stored), or
   * `false` if something still holds it after `timeoutMs`.
   */
  async whenUnloaded(doc: string, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs
    while (this.#loaded.has(doc) || this.#loading.has(doc)) {
      if (Date.now() > until) return false
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await this.#closing.get(doc)
    return true
  }

  /** Rewrites a loaded document's index entry now (e.g. after its relay state vector changed). */
  refreshSummary(loaded: LoadedDoc): Promise<void> {
    return this.#scheduleSummary(loaded, false)
  }

  /** Unloads everything (stores what is left first). */
  async closeAll(): Promise<void> {
    const all = [...this.#loaded.values()]
    for (const loaded of all) loaded.refs = 1
    await Promise.all(all.map((l) => this.release(l)))
  }

  async #load(doc: string, created?: RecordDocument): Promise<LoadedDoc> {
    const { record } = parseSyncName(doc)
    const schema = await this.#o.schema(parseDocName(record).sobject)
    const document =
      created ??
      RecordDocument.open({
        engine: yjsEngine,
        name: record,
        schema: schemaOfDoc(doc, schema),
        actor: this.#o.actor,
        clock: this.#o.clock,
      })
    const engineDoc = document.engineDoc
    if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('Only Yjs documents are stored.')
    const ydoc = engineDoc.ydoc
    if (!created) {
      const stored = await this.#o.store.load(doc)
      const rows = stored.rows
      if (rows.length > 0) {
        Y.applyUpdate(
          ydoc,
          rows.length === 1 ? (rows[0] as Uint8Array) : Y.mergeUpdates(rows),
          LOAD_ORIGIN,
        )
      }
      if (rows.length > COMPACT_ROWS && stored.lastKey !== null) {
        this.#o.store
          .compact(doc, Y.encodeStateAsUpdate(ydoc), stored.lastKey)
          .catch((e: unknown) => this.#o.onIgnoredError(e, `compact ${doc}`))
      }
    }
    const loaded = new LoadedDoc(doc, document, ydoc, schema)
    loaded.awareness.setLocalStateField('user', { ...this.#o.presence })
    const entry = await this.#o.index.get(loaded.record)
    loaded.relaySV = (entry && docState(entry, doc)?.relaySV) ?? null
    ydoc.on('update', (update: Uint8Array, origin: unknown) =>
      this.#onUpdate(loaded, update, origin),
    )
    this.#loaded.set(doc, loaded)
    return loaded
  }

  #onUpdate(loaded: LoadedDoc, update: Uint8Array, origin: unknown): void {
    if (origin === LOAD_ORIGIN) return
    const kind = changeOrigin(origin)
    if (kind !== 'tab') {
      // Device edits commit durably; what came from the relay is held there already.
      const durable = kind === 'local'
      const append = this.#o.store.append(loaded.doc, update, { durable })
      loaded.track('append', append)
      this.#o.onStored(loaded.doc, loaded.record, update, kind)
      const summary =
        origin === BULK_ORIGIN && this.#batched.has(loaded.doc)
          ? null
          : this.#scheduleSummary(loaded, durable)
      if (summary) loaded.track('index', summary)
      if (durable) {
        // A device edit is stored once its update and its index entry (the pending change the
        // pending list shows after a reload) are: a page unloaded before that keeps the edit but
        // shows an older pending change until the record is next summarised.
        this.#storing += 1
        const done = (): void => void (this.#storing -= 1)
        void Promise.allSettled([append, summary]).then(done)
      }
    }
    this.#o.onChange(loaded.record, kind)
    loaded.notify(kind)
  }

  /** Coalesces index rewrites: one runs at a time, the last one sees every change before it. */
  #scheduleSummary(loaded: LoadedDoc, durable: boolean): Promise<void> {
    let state = this.#summaries.get(loaded.doc)
    if (!state) {
      state = { dirty: false, durable: false, running: null }
      this.#summaries.set(loaded.doc, state)
    }
    const s = state
    s.dirty = true
    s.durable ||= durable
    s.running ??= (async () => {
      try {
        while (s.dirty) {
          s.dirty = false
          const strict = s.durable
          s.durable = false
          await Promise.resolve()
          await this.#writeSummary(loaded, strict)
        }
      } catch (error) {
        s.dirty = true
        throw error
      } finally {
        s.running = null
        if (!s.dirty) this.#summaries.delete(loaded.doc)
      }
    })()
    return s.running
  }

  async #writeSummary(loaded: LoadedDoc, durable: boolean): Promise<void> {
    const summary = summaryOf(loaded)
    // The entry never claims more than the document's database holds.
    await loaded.flushedAppends()
    const changes = await this.#o.index.update(
      [loaded.record],
      (record) => (record ? withDerived(summary(record), this.#o.viewer) : undefined),
      // A device edit's entry (its pending change) is as durable as the edit.
      { durable },
    )
    this.#o.onIndexChanges(changes)
  }

  /**
   * Applies updates from a bulk response: each document is loaded, updated and stored (appends
   * in parallel, relaxed), then every index entry is rewritten in one transaction. Returns the
   * documents that failed, with their errors.
   */
  async applyBulk(
    items: readonly { name: string; update: Uint8Array }[],
    concurrency: number,
  ): Promise<Map<string, unknown>> {
    const failed = new Map<string, unknown>()
    const held: LoadedDoc[] = []
    const queue = [...items]
    const worker = async (): Promise<void> => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        try {
          const loaded = await this.acquire(item.name)
          held.push(loaded)
          this.#batched.add(item.name)
          loaded.document.applyUpdate(item.update, BULK_ORIGIN)
        } catch (error) {
          failed.set(item.name, error)
        }
      }
    }
    try {
      await Promise.all(Array.from({ length: concurrency }, worker))
      const stored: LoadedDoc[] = []
      await Promise.all(
        held.map((l) =>
          l.flushedAppends().then(
            () => stored.push(l),
            (error: unknown) => failed.set(l.doc, error),
          ),
        ),
      )
      // A record's documents (main and partitions) may all be in the batch: one entry each.
      const summaries = new Map<string, ((record: IndexRecord) => IndexRecord)[]>()
      for (const l of stored)
        summaries.set(l.record, [...(summaries.get(l.record) ?? []), summaryOf(l)])
      const changes = await this.#o.index.update([...summaries.keys()], (record, doc) => {
        const all = summaries.get(doc)
        return record && all
          ? withDerived(
              all.reduce((r, summary) => summary(r), record),
              this.#o.viewer,
            )
          : undefined
      })
      this.#o.onIndexChanges(changes)
    } finally {
      for (const l of held) this.#batched.delete(l.doc)
      await Promise.all(held.map((l) => this.release(l)))
    }
    return failed
  }
}

/**
 * What a loaded document says about its record's index entry (computed now, applied to the
 * entry later): a main document its name, pending change, state vector and status; a partition
 * document its own part of the entry.
 */
function summaryOf(loaded: LoadedDoc): (record: IndexRecord) => IndexRecord {
  const document = loaded.document
  const pending = document.pending()
  const deviceSV = Y.encodeStateVector(loaded.ydoc)
  const fields = Object.keys(document.schema.fields)
  if (loaded.partition !== null) {
    return (record) => withDocState(record, loaded.doc, { pending, deviceSV, fields })
  }
  const deleted = document.isDeleted()
  const draft = document.salesforceId() === null && document.draftKey() !== null
  return (record) => ({
    ...record,
    name: loaded.displayName(record.name),
    pending,
    deviceSV,
    fields,
    deleted,
    draft,
  })
}
