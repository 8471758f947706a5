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
import { docState } from '../storage/index-record.js'
import { summaryOf } from './doc-summary.js'
import { BULK_ORIGIN, LOAD_ORIGIN, LoadedDoc, changeOrigin } from './loaded-doc.js'
import { StoredRecordDoc } from './stored-doc.js'
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
  /**
   * Documents nobody holds that a bulk apply updates in storage without loading them: a load
   * waits until their rows are stored.
   */
  readonly #applying = new Map<string, Promise<void>>()

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
    for (let applying = this.#applying.get(doc); applying; applying = this.#applying.get(doc)) {
      await applying
    }
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
    while (this.#loaded.has(doc) || this.#loading.has(doc) || this.#applying.has(doc)) {
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
   * Applies updates from a bulk response and rewrites their records' index entries in one
   * transaction (after `entry`, the sync's own change of an entry, e.g. the relay's state
   * vector). A document loaded now is updated in memory and stored as any change; the others
   * are read in one transaction, updated without being loaded, and their additions appended
   * together (relaxed: the relay holds them). Returns the documents that failed, with their
   * errors.
   */
  async applyBulk(
    items: readonly { name: string; update: Uint8Array }[],
    concurrency: number,
    entry: (record: IndexRecord) => IndexRecord = (record) => record,
  ): Promise<Map<string, unknown>> {
    const failed = new Map<string, unknown>()
    const held: LoadedDoc[] = []
    const inUse = (doc: string): boolean =>
      this.#loaded.has(doc) ||
      this.#loading.has(doc) ||
      this.#closing.has(doc) ||
      this.#applying.has(doc)
    const hot = items.filter((i) => inUse(i.name))
    const cold = items.filter((i) => !inUse(i.name))
    let applied = (): void => undefined
    const applying = new Promise<void>((resolve) => (applied = resolve))
    for (const item of cold) this.#applying.set(item.name, applying)
    const queue = [...hot]
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
      const [storedCold] = await Promise.all([
        this.#applyCold(cold, failed),
        ...Array.from({ length: Math.min(concurrency, hot.length) }, worker),
      ])
      const summaries = new Map<string, ((record: IndexRecord) => IndexRecord)[]>()
      const add = (record: string, summary: (record: IndexRecord) => IndexRecord): void => {
        const all = summaries.get(record)
        if (all) all.push(summary)
        else summaries.set(record, [summary])
      }
      await Promise.all(
        held.map((l) =>
          l.flushedAppends().then(
            () => add(l.record, summaryOf(l)),
            (error: unknown) => failed.set(l.doc, error),
          ),
        ),
      )
      for (const [record, summary] of storedCold) add(record, summary)
      // A record's documents (main and partitions) may all be in the batch: one entry each.
      const records = new Set(items.map((i) => parseSyncName(i.name).record as string))
      const changes = await this.#o.index.update([...records], (record, doc) => {
        if (!record) return undefined
        const base = entry(record)
        const all = summaries.get(doc) ?? []
        if (base === record && all.length === 0) return undefined
        return withDerived(
          all.reduce((r, summary) => summary(r), base),
          this.#o.viewer,
        )
      })
      this.#o.onIndexChanges(changes)
    } finally {
      for (const item of cold) {
        if (this.#applying.get(item.name) === applying) this.#applying.delete(item.name)
      }
      applied()
      for (const l of held) this.#batched.delete(l.doc)
      await Promise.all(held.map((l) => this.release(l)))
    }
    return failed
  }

  /**
   * Applies updates to documents nobody holds: rows read in one transaction, additions appended
   * together; announced once stored. Returns each stored document's record and summary.
   */
  async #applyCold(
    items: readonly { name: string; update: Uint8Array }[],
    failed: Map<string, unknown>,
  ): Promise<[DocName, (record: IndexRecord) => IndexRecord][]> {
    if (items.length === 0) return []
    const rows = await this.#o.store.loadMany(items.map((i) => i.name))
    const opened: { doc: StoredRecordDoc; added: Uint8Array[] }[] = []
    for (const [at, item] of items.entries()) {
      let doc: StoredRecordDoc | undefined
      try {
        const { record } = parseSyncName(item.name)
        const schema = await this.#o.schema(parseDocName(record).sobject)
        doc = new StoredRecordDoc(item.name, schema, rows[at]?.rows ?? [], this.#o)
        opened.push({ doc, added: doc.apply(item.update, BULK_ORIGIN) })
      } catch (error) {
        doc?.destroy()
        failed.set(item.name, error)
      }
    }
    // Appended in one turn: the shared layout commits them in one transaction.
    const appends = opened.map(({ doc, added }) =>
      Promise.all(added.map((u) => this.#o.store.append(doc.doc, u, { durable: false }))),
    )
    const results = await Promise.allSettled(appends)
    const stored: [DocName, (record: IndexRecord) => IndexRecord][] = []
    for (const [at, { doc, added }] of opened.entries()) {
      const result = results[at]
      const record = doc.document.name
      if (result?.status === 'rejected') failed.set(doc.doc, result.reason)
      else {
        stored.push([record, summaryOf(doc)])
        for (const u of added) this.#o.onStored(doc.doc, record, u, 'remote')
        if (added.length > 0) this.#o.onChange(record, 'remote')
      }
      doc.destroy()
    }
    return stored
  }
}
