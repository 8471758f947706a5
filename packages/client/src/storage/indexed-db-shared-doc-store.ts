import { AppendQueue } from './append-queue.js'
import type { QueuedAppend } from './append-queue.js'
import type { DocStore, Replacement, StoredDoc } from './doc-store.js'
import { openDatabase, requestResult, transactionDone } from './idb-request.js'
import type { StorageGuard } from './storage-guard.js'

const UPDATES = 'updates'
const BY_DOC = 'doc'

interface Row {
  doc: string
  update: Uint8Array
}

/** Options of {@link IndexedDbSharedDocStore}. */
export interface IndexedDbSharedDocStoreOptions {
  factory: IDBFactory
  /** The one database holding every document: `briefcase:<userId>:docs`. */
  name: string
  durability: 'strict' | 'relaxed'
  guard: StorageGuard
}

/**
 * Record documents in one IndexedDB database (`updates` rows of `{ doc, update }`, indexed by
 * document) instead of one database per document. Chromium stores each database as its own
 * files (about 72 KB each, empty), so for thousands of records this layout is far smaller on
 * disk; appends of many documents also share one transaction. Not readable by y-indexeddb.
 */
export class IndexedDbSharedDocStore implements DocStore {
  readonly #o: IndexedDbSharedDocStoreOptions
  readonly #queue: AppendQueue
  #db: Promise<IDBDatabase> | null = null

  constructor(options: IndexedDbSharedDocStoreOptions) {
    this.#o = options
    this.#queue = new AppendQueue(
      (entries, durable) => this.#write(entries, durable),
      () => 'all',
    )
  }

  databaseName(): string {
    return this.#o.name
  }

  async load(doc: string): Promise<StoredDoc> {
    const [stored] = await this.loadMany([doc])
    return stored as StoredDoc
  }

  async loadMany(docs: readonly string[]): Promise<StoredDoc[]> {
    if (docs.length === 0) return []
    // Appends already accepted are committed first, so a load never misses one.
    await this.#queue.idle(docs[0] as string)
    return this.#guarded('load', async (db) => {
      const index = db.transaction(UPDATES, 'readonly').objectStore(UPDATES).index(BY_DOC)
      return Promise.all(
        docs.map(async (doc) => {
          const [rows, keys] = await Promise.all([
            requestResult(index.getAll(doc) as IDBRequest<Row[]>),
            requestResult(index.getAllKeys(doc)),
          ])
          const last = keys.at(-1)
          return {
            rows: rows.map((r) => r.update),
            lastKey: typeof last === 'number' ? last : null,
          }
        }),
      )
    })
  }

  append(doc: string, update: Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
    return this.#queue.append({ doc, update, durable: options.durable ?? true })
  }

  #write(entries: readonly QueuedAppend[], durable: boolean): Promise<void> {
    return this.#guarded('append', async (db) => {
      const tx = db.transaction(UPDATES, 'readwrite', {
        durability: durable ? this.#o.durability : 'relaxed',
      })
      const store = tx.objectStore(UPDATES)
      for (const e of entries) store.add({ doc: e.doc, update: e.update } satisfies Row)
      await transactionDone(tx)
    })
  }

  compact(doc: string, state: Uint8Array, upTo: number): Promise<boolean> {
    return this.#guarded('compact', async (db) => {
      const tx = db.transaction(UPDATES, 'readwrite', { durability: this.#o.durability })
      const store = tx.objectStore(UPDATES)
      let replaced = false
      const keys = store.index(BY_DOC).getAllKeys(doc)
      keys.onsuccess = () => {
        if (keys.result.at(-1) !== upTo) return
        for (const key of keys.result) store.delete(key)
        store.add({ doc, update: state } satisfies Row)
        replaced = true
      }
      await transactionDone(tx)
      return replaced
    })
  }

  replaceMany(replacements: readonly Replacement[]): Promise<boolean> {
    return this.#guarded('replace', async (db) => {
      const tx = db.transaction(UPDATES, 'readwrite', { durability: this.#o.durability })
      const store = tx.objectStore(UPDATES)
      const found: IDBValidKey[][] = []
      let replaced = false
      // Every check, then every write, in the success callbacks: one transaction, all or nothing.
      replacements.forEach((r, i) => {
        const keys = store.index(BY_DOC).getAllKeys(r.doc)
        keys.onsuccess = () => {
          found[i] = keys.result
          if (i < replacements.length - 1) return
          const fresh = replacements.every((x, j) => (found[j]?.at(-1) ?? null) === x.upTo)
          if (!fresh) return
          for (const [j, x] of replacements.entries()) {
            for (const key of found[j] ?? []) store.delete(key)
            if (x.state) store.add({ doc: x.doc, update: x.state } satisfies Row)
          }
          replaced = true
        }
      })
      await transactionDone(tx)
      return replaced || replacements.length === 0
    })
  }

  remove(doc: string): Promise<void> {
    return this.#guarded('delete', async (db) => {
      const tx = db.transaction(UPDATES, 'readwrite')
      const store = tx.objectStore(UPDATES)
      const keys = store.index(BY_DOC).getAllKeys(doc)
      keys.onsuccess = () => {
        for (const key of keys.result) store.delete(key)
      }
      await transactionDone(tx)
    })
  }

  bytes(doc: string): Promise<number> {
    return this.load(doc).then((d) => d.rows.reduce((n, r) => n + r.byteLength, 0))
  }

  close(): void {
    void this.#db?.then((db) => db.close()).catch(() => undefined)
    this.#db = null
  }

  #guarded<T>(operation: string, work: (db: IDBDatabase) => Promise<T>): Promise<T> {
    return this.#o.guard.run(operation, this.#o.name, async () => {
      try {
        return await work(await this.#connection())
      } catch (error) {
        if ((error as { name?: unknown }).name !== 'InvalidStateError') throw error
        this.#db = null
        return work(await this.#connection())
      }
    })
  }

  #connection(): Promise<IDBDatabase> {
    this.#db ??= openDatabase(this.#o.factory, this.#o.name, 1, (db) => {
      db.createObjectStore(UPDATES, { autoIncrement: true }).createIndex(BY_DOC, 'doc')
    })
    const opening = this.#db
    opening.catch(() => {
      if (this.#db === opening) this.#db = null
    })
    return opening
  }
}
