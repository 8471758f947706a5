import { AppendQueue } from './append-queue.js'
import type { QueuedAppend } from './append-queue.js'
import type { DocStore, Replacement, StoredDoc } from './doc-store.js'
import { deleteDatabase, openDatabase, requestResult, transactionDone } from './idb-request.js'
import type { StorageGuard } from './storage-guard.js'

/** y-indexeddb's store names: a database written here opens with `IndexeddbPersistence`. */
const UPDATES = 'updates'
const CUSTOM = 'custom'
/** Connections kept open at once; the least recently used idle one closes beyond this. */
const MAX_CONNECTIONS = 48

/** Options of {@link IndexedDbDocStore}. */
export interface IndexedDbDocStoreOptions {
  factory: IDBFactory
  /** Database name prefix: `briefcase:<userId>:doc:`. */
  prefix: string
  durability: 'strict' | 'relaxed'
  guard: StorageGuard
}

/**
 * Record documents in IndexedDB, one database per document in y-indexeddb's layout (an
 * auto-increment `updates` store of Yjs updates, and `custom`). Unlike `IndexeddbPersistence` it
 * takes the IndexedDB factory as an option, awaits every write (appends queued while a write is
 * in flight go in the next transaction: group commit), reports every failure, never appends on
 * open, and writes to documents that are not loaded.
 */
export class IndexedDbDocStore implements DocStore {
  readonly #options: IndexedDbDocStoreOptions
  readonly #connections = new Map<string, Promise<IDBDatabase>>()
  readonly #queue: AppendQueue

  constructor(options: IndexedDbDocStoreOptions) {
    this.#options = options
    this.#queue = new AppendQueue(
      (entries, durable) => this.#write(entries, durable),
      (doc) => doc,
    )
  }

  databaseName(doc: string): string {
    return `${this.#options.prefix}${doc}`
  }

  async load(doc: string): Promise<StoredDoc> {
    // Appends already accepted are committed first, so a load never misses one.
    await this.#queue.idle(doc)
    return this.#guarded('load', doc, async (db) => {
      const tx = db.transaction(UPDATES, 'readonly')
      const store = tx.objectStore(UPDATES)
      const [rows, keys] = await Promise.all([
        requestResult(store.getAll()),
        requestResult(store.getAllKeys()),
      ])
      const last = keys.at(-1)
      return {
        rows: rows.map((r) => (r instanceof Uint8Array ? r : new Uint8Array(r as ArrayBuffer))),
        lastKey: typeof last === 'number' ? last : null,
      }
    })
  }

  /** One database per document: one read each, in parallel. */
  loadMany(docs: readonly string[]): Promise<StoredDoc[]> {
    return Promise.all(docs.map((d) => this.load(d)))
  }

  append(doc: string, update: Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
    return this.#queue.append({ doc, update, durable: options.durable ?? true })
  }

  #write(entries: readonly QueuedAppend[], durable: boolean): Promise<void> {
    const doc = entries[0]?.doc ?? ''
    return this.#guarded('append', doc, async (db) => {
      const tx = db.transaction(UPDATES, 'readwrite', {
        durability: durable ? this.#options.durability : 'relaxed',
      })
      const store = tx.objectStore(UPDATES)
      for (const entry of entries) store.add(entry.update)
      await transactionDone(tx)
    })
  }

  compact(doc: string, state: Uint8Array, upTo: number): Promise<boolean> {
    return this.#guarded('compact', doc, async (db) => {
      const tx = db.transaction(UPDATES, 'readwrite', { durability: this.#options.durability })
      const store = tx.objectStore(UPDATES)
      let replaced = false
      const keys = store.getAllKeys()
      // Follow-up requests are issued inside the success callback, while the transaction is
      // active, so no other writer can slip in between the check and the replacement.
      keys.onsuccess = () => {
        const last = keys.result.at(-1)
        if (last !== upTo) return
        for (const key of keys.result) store.delete(key)
        store.add(state)
        replaced = true
      }
      await transactionDone(tx)
      return replaced
    })
  }

  async replaceMany(replacements: readonly Replacement[]): Promise<boolean> {
    // One database per document: a transaction each, in the caller's order.
    for (const r of replacements) {
      if (!(await this.#replace(r))) return false
      if (!r.state) await this.remove(r.doc)
    }
    return true
  }

  #replace(r: Replacement): Promise<boolean> {
    return this.#guarded('replace', r.doc, async (db) => {
      const tx = db.transaction(UPDATES, 'readwrite', { durability: this.#options.durability })
      const store = tx.objectStore(UPDATES)
      let replaced = false
      const keys = store.getAllKeys()
      keys.onsuccess = () => {
        if ((keys.result.at(-1) ?? null) !== r.upTo) return
        for (const key of keys.result) store.delete(key)
        if (r.state) store.add(r.state)
        replaced = true
      }
      await transactionDone(tx)
      return replaced
    })
  }

  async remove(doc: string): Promise<void> {
    const name = this.databaseName(doc)
    const open = this.#connections.get(doc)
    this.#connections.delete(doc)
    if (open) (await open.catch(() => null))?.close()
    await this.#options.guard.run('delete', name, () => deleteDatabase(this.#options.factory, name))
  }

  bytes(doc: string): Promise<number> {
    return this.load(doc).then((d) => d.rows.reduce((n, r) => n + r.byteLength, 0))
  }

  close(): void {
    for (const open of this.#connections.values()) {
      void open.then((db) => db.close()).catch(() => undefined)
    }
    this.#connections.clear()
  }

  #guarded<T>(operation: string, doc: string, work: (db: IDBDatabase) => Promise<T>): Promise<T> {
    const name = this.databaseName(doc)
    return this.#options.guard.run(operation, name, async () => {
      try {
        return await work(await this.#connection(doc))
      } catch (error) {
        // A connection closed under us (the database was deleted or upgraded in another tab):
        // reopen once.
        if ((error as { name?: unknown }).name !== 'InvalidStateError') throw error
        this.#connections.delete(doc)
        return work(await this.#connection(doc))
      }
    })
  }

  #connection(doc: string): Promise<IDBDatabase> {
    const known = this.#connections.get(doc)
    if (known) {
      this.#connections.delete(doc)
      this.#connections.set(doc, known)
      return known
    }
    const opening = openDatabase(this.#options.factory, this.databaseName(doc), 1, (db) => {
      db.createObjectStore(UPDATES, { autoIncrement: true })
      db.createObjectStore(CUSTOM)
    })
    opening.catch(() => this.#connections.delete(doc))
    this.#connections.set(doc, opening)
    this.#evict()
    return opening
  }

  #evict(): void {
    for (const [doc, open] of this.#connections) {
      if (this.#connections.size <= MAX_CONNECTIONS) return
      if (this.#queue.busy(doc)) continue
      this.#connections.delete(doc)
      void open.then((db) => db.close()).catch(() => undefined)
    }
  }
}
