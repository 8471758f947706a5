import type { CacheSource, SchemaResponse } from '@briefcase/protocol'
import type { CachedDashboard, ListCacheOptions } from '../cache-entry.js'
import { openDatabase, requestResult, transactionDone } from './idb-request.js'
import type { IndexRecord } from './index-record.js'
import type { StorageGuard } from './storage-guard.js'

const RECORDS = 'records'
const DASHBOARDS = 'dashboards'
const META = 'meta'
const SCHEMAS = 'schemas'
const VERSION = 1

/** The records an IndexedDB request returns. */
function recordsOf(request: IDBRequest): Promise<IndexRecord[]> {
  return requestResult(request as IDBRequest<IndexRecord[]>)
}

/** A change `update` made: the entry before and after (`null`: absent). */
export interface IndexChange {
  doc: string
  before: IndexRecord | null
  after: IndexRecord | null
}

/** Returns the new entry, `null` to delete it, or `undefined` to leave it as it is. */
export type IndexMutation = (
  current: IndexRecord | null,
  doc: string,
) => IndexRecord | null | undefined

/**
 * The cache index: one IndexedDB database per user (`briefcase:<userId>:index`) holding an entry
 * per cached record (`records`, indexed by last access, object, sources, expiry and pending
 * order), dashboard snapshots, schemas and small settings (`meta`). Listing, counting, expiry and
 * the pending list read only this database.
 */
export class CacheIndex {
  readonly name: string
  readonly #db: IDBDatabase
  readonly #guard: StorageGuard
  readonly #durability: 'strict' | 'relaxed'

  private constructor(
    name: string,
    db: IDBDatabase,
    guard: StorageGuard,
    durability: 'strict' | 'relaxed',
  ) {
    this.name = name
    this.#db = db
    this.#guard = guard
    this.#durability = durability
  }

  /** Opens (or creates) the index database. Entry updates commit with `durability`. */
  static async open(
    factory: IDBFactory,
    name: string,
    guard: StorageGuard,
    durability: 'strict' | 'relaxed',
  ): Promise<CacheIndex> {
    const db = await guard.run('open', name, () =>
      openDatabase(factory, name, VERSION, (d) => {
        const records = d.createObjectStore(RECORDS, { keyPath: 'doc' })
        records.createIndex('lastAccess', 'lastAccess')
        records.createIndex('sobject', 'sobject')
        records.createIndex('sources', 'sources', { multiEntry: true })
        records.createIndex('expiresAt', 'expiresAt')
        records.createIndex('pendingOrder', 'pendingOrder')
        d.createObjectStore(DASHBOARDS, { keyPath: 'id' })
        d.createObjectStore(META)
        d.createObjectStore(SCHEMAS)
      }),
    )
    return new CacheIndex(name, db, guard, durability)
  }

  get(doc: string): Promise<IndexRecord | null> {
    return this.#read('get', RECORDS, async (s) => {
      return (await requestResult(s.get(doc) as IDBRequest<IndexRecord | undefined>)) ?? null
    })
  }

  getMany(docs: readonly string[]): Promise<IndexRecord[]> {
    return this.#read('get', RECORDS, async (s) => {
      const found = await Promise.all(
        docs.map((d) => requestResult(s.get(d) as IDBRequest<IndexRecord | undefined>)),
      )
      return found.filter((r): r is IndexRecord => r !== undefined)
    })
  }

  all(): Promise<IndexRecord[]> {
    return this.#read('list', RECORDS, (s) => recordsOf(s.getAll()))
  }

  /** Entries, most recently accessed first. */
  list(options: ListCacheOptions = {}): Promise<IndexRecord[]> {
    return this.#read('list', RECORDS, async (s) => {
      const { sobject, source, limit, offset = 0 } = options
      let records: IndexRecord[]
      if (sobject !== undefined) {
        records = await recordsOf(s.index('sobject').getAll(sobject))
      } else if (source !== undefined) {
        records = await recordsOf(s.index('sources').getAll(source))
      } else {
        records = await recordsOf(s.index('lastAccess').getAll())
      }
      if (sobject !== undefined && source !== undefined) {
        records = records.filter((r) => r.sources.includes(source))
      }
      records.sort((a, b) => b.lastAccess - a.lastAccess || (a.doc < b.doc ? -1 : 1))
      return records.slice(offset, limit === undefined ? undefined : offset + limit)
    })
  }

  count(options: { sobject?: string; source?: CacheSource } = {}): Promise<number> {
    return this.#read('count', RECORDS, async (s) => {
      const { sobject, source } = options
      if (sobject !== undefined && source !== undefined) {
        return (await this.list({ sobject, source })).length
      }
      if (sobject !== undefined) return requestResult(s.index('sobject').count(sobject))
      if (source !== undefined) return requestResult(s.index('sources').count(source))
      return requestResult(s.count())
    })
  }

  /** Entries on the pending list, in pending order (oldest change first). */
  pending(): Promise<IndexRecord[]> {
    return this.#read('list', RECORDS, (s) => recordsOf(s.index('pendingOrder').getAll()))
  }

  /** Entries whose expiry is at or before `now` (a cursor over the expiry index, no range). */
  expired(now: number): Promise<IndexRecord[]> {
    return this.#read('list', RECORDS, (s) => {
      const found: IndexRecord[] = []
      const cursor = s.index('expiresAt').openCursor()
      return new Promise((resolve, reject) => {
        cursor.onerror = () => reject(cursor.error ?? new Error('cursor failed'))
        cursor.onsuccess = () => {
          const c = cursor.result
          const record = c?.value as IndexRecord | undefined
          if (!c || !record || record.expiresAt > now) return resolve(found)
          found.push(record)
          c.continue()
        }
      })
    })
  }

  /**
   * Reads, changes and writes entries in one transaction (atomic across tabs). `durable` entries
   * (what a device edit changed) commit with the index's durability; others (sync state, plans,
   * access times: all derivable again) commit relaxed.
   */
  update(
    docs: readonly string[],
    mutate: IndexMutation,
    options: { durable?: boolean } = {},
  ): Promise<IndexChange[]> {
    if (docs.length === 0) return Promise.resolve([])
    const durability = options.durable ? this.#durability : 'relaxed'
    return this.#guard.run('index', this.name, async () => {
      const tx = this.#db.transaction(RECORDS, 'readwrite', { durability })
      const store = tx.objectStore(RECORDS)
      const changes: IndexChange[] = []
      let failure: unknown = null
      for (const doc of docs) {
        const get = store.get(doc)
        // Written in the success callback so the read and the write share the transaction.
        get.onsuccess = () => {
          const before = (get.result as IndexRecord | undefined) ?? null
          let after: IndexRecord | null | undefined
          try {
            after = mutate(before, doc)
          } catch (error) {
            failure = error
            tx.abort()
            return
          }
          if (after === undefined) return
          if (after === null) {
            if (before !== null) store.delete(doc)
          } else store.put(after)
          changes.push({ doc, before, after })
        }
      }
      try {
        await transactionDone(tx)
      } catch (error) {
        throw failure ?? error
      }
      return changes
    })
  }

  getMeta<T>(key: string): Promise<T | undefined> {
    return this.#read('meta', META, async (s) => (await requestResult(s.get(key))) as T | undefined)
  }

  setMeta(key: string, value: unknown): Promise<void> {
    return this.#write('meta', [META], (tx) => tx.objectStore(META).put(value, key))
  }

  getSchema(sobject: string): Promise<SchemaResponse | undefined> {
    return this.#read('schema', SCHEMAS, async (s) => {
      return (await requestResult(s.get(sobject))) as SchemaResponse | undefined
    })
  }

  putSchemas(schemas: readonly SchemaResponse[]): Promise<void> {
    return this.#write('schema', [SCHEMAS], (tx) => {
      for (const s of schemas) tx.objectStore(SCHEMAS).put(s, s.schema.name)
    })
  }

  dashboards(): Promise<CachedDashboard[]> {
    return this.#read('dashboards', DASHBOARDS, (s) =>
      requestResult(s.getAll() as IDBRequest<CachedDashboard[]>),
    )
  }

  replaceDashboards(dashboards: readonly CachedDashboard[]): Promise<void> {
    return this.#write('dashboards', [DASHBOARDS], (tx) => {
      const store = tx.objectStore(DASHBOARDS)
      store.clear()
      for (const d of dashboards) store.put(d)
    })
  }

  close(): void {
    this.#db.close()
  }

  #read<T>(
    operation: string,
    storeName: string,
    work: (s: IDBObjectStore) => Promise<T>,
  ): Promise<T> {
    return this.#guard.run(operation, this.name, () =>
      work(this.#db.transaction(storeName, 'readonly').objectStore(storeName)),
    )
  }

  #write(operation: string, stores: string[], work: (tx: IDBTransaction) => void): Promise<void> {
    return this.#guard.run(operation, this.name, async () => {
      const tx = this.#db.transaction(stores, 'readwrite')
      work(tx)
      await transactionDone(tx)
    })
  }
}
