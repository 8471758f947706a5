import Database from 'better-sqlite3'
import type {
  CommitOptions,
  DocKey,
  DocMeta,
  DocWrite,
  FieldGroupRecord,
  ListDocsOptions,
  OAuthStateRecord,
  PendingEntry,
  RelayStore,
  SessionRecord,
  StoredDoc,
  UserRecord,
} from './relay-store.js'
import { SqliteAccountRows } from './sqlite-account-rows.js'
import { SqliteDocRows } from './sqlite-doc-rows.js'
import { migrate } from './sqlite-schema.js'

/** Options of {@link SqliteRelayStore}. */
export interface SqliteRelayStoreOptions {
  /** Database file (default `:memory:`). Ignored when `database` is given. */
  file?: string
  /** An open better-sqlite3 database to share (the projector keeps its tables in it too). */
  database?: Database.Database
  /**
   * `NORMAL` (default): a `synced` commit is fsynced before it resolves (SQLite's `synchronous`
   * is raised to `FULL` for it, which syncs the whole WAL, earlier `written` commits included); a
   * `written` commit is in the WAL, so it survives a relay crash, and is synced by the next synced
   * commit or within `syncIntervalMs`. `FULL`: every commit is fsynced.
   */
  synchronous?: 'FULL' | 'NORMAL'
  /** Longest time a `written` commit waits for its fsync, in ms (default 1000). */
  syncIntervalMs?: number
  /** The clock for `updatedAt` (default `Date.now`). */
  now?: () => number
}

/**
 * The embedded {@link RelayStore}: better-sqlite3 in WAL mode. Calls run synchronously inside
 * resolved promises; a commit is one transaction, fsynced (with `synchronous = FULL`) before it
 * resolves.
 *
 * @example
 * ```ts
 * const store = new SqliteRelayStore({ file: '.data/relay.sqlite' })
 * await store.commit([{ key: { name: 'Account/001000000000001AAA', group: 'g1' },
 *   meta: { sobject: 'Account', key: '001000000000001AAA', engine: 'yjs' }, updates: [update] }])
 * ```
 */
export class SqliteRelayStore implements RelayStore {
  readonly backend: string = 'sqlite'
  /** The database, shared with the projector's tables (outbox, watermarks). */
  readonly database: Database.Database
  readonly #owned: boolean
  readonly #now: () => number
  readonly #commitTx: (writes: readonly DocWrite[]) => number[]
  readonly #statements = new Map<string, Database.Statement>()
  readonly #docs: SqliteDocRows
  readonly #accounts: SqliteAccountRows
  readonly #alwaysSync: boolean
  readonly #timer: ReturnType<typeof setInterval> | undefined
  #unsynced = false

  constructor(options: SqliteRelayStoreOptions = {}) {
    this.#owned = options.database === undefined
    this.database = options.database ?? new Database(options.file ?? ':memory:')
    this.#now = options.now ?? Date.now
    const db = this.database
    this.#alwaysSync = options.synchronous === 'FULL'
    if (options.database === undefined) {
      db.pragma('journal_mode = WAL')
      db.pragma('busy_timeout = 5000')
    }
    db.pragma(`synchronous = ${this.#alwaysSync ? 'FULL' : 'NORMAL'}`)
    if (!this.#alwaysSync) {
      this.#timer = setInterval(() => {
        if (this.#unsynced && db.open) this.#syncNow()
      }, options.syncIntervalMs ?? 1000)
      this.#timer.unref()
    }
    migrate(db)
    this.#docs = new SqliteDocRows(db, (sql) => this.#stmt(sql), this.#now)
    this.#accounts = new SqliteAccountRows(db, (sql) => this.#stmt(sql))
    this.#commitTx = db.transaction((writes: readonly DocWrite[]) =>
      writes.map((w) => this.#docs.write(w)),
    )
  }

  // ── documents ──────────────────────────────────────────────────────────────────────────────

  commit(writes: readonly DocWrite[], options: CommitOptions = {}): Promise<number[]> {
    return this.#run(() => {
      const synced = (options.durability ?? 'synced') === 'synced'
      if (writes.length === 0) {
        if (synced) this.#syncNow()
        return []
      }
      if (this.#alwaysSync || !synced) {
        const seqs = this.#commitTx(writes)
        if (!this.#alwaysSync) this.#unsynced = true
        return seqs
      }
      this.#stmt('PRAGMA synchronous = FULL').run()
      try {
        const seqs = this.#commitTx(writes)
        this.#unsynced = false
        return seqs
      } finally {
        this.#stmt('PRAGMA synchronous = NORMAL').run()
      }
    })
  }

  sync(): Promise<void> {
    return this.#run(() => this.#syncNow())
  }

  /** A passive checkpoint syncs the WAL (and the database after copying into it). */
  #syncNow(): void {
    if (!this.#unsynced) return
    this.database.pragma('wal_checkpoint(PASSIVE)')
    this.#unsynced = false
  }

  loadDocs(keys: readonly DocKey[]): Promise<Map<string, StoredDoc>> {
    return this.#run(() => this.#docs.loadDocs(keys))
  }

  docMetas(keys: readonly DocKey[]): Promise<Map<string, DocMeta>> {
    return this.#run(() => this.#docs.docMetas(keys))
  }

  listDocs(options: ListDocsOptions = {}): Promise<DocMeta[]> {
    return this.#run(() => this.#docs.listDocs(options))
  }

  findBySalesforceId(sobject: string, salesforceId: string, group?: string): Promise<DocMeta[]> {
    return this.#run(() => this.#docs.findBySalesforceId(sobject, salesforceId, group))
  }

  compact(key: DocKey, state: Uint8Array, throughSeq: number): Promise<void> {
    return this.#run(() => this.#docs.compact(key, state, throughSeq))
  }

  updateCount(key: DocKey): Promise<number> {
    return this.#run(() => this.#docs.updateCount(key))
  }

  docUsers(key: DocKey): Promise<string[]> {
    return this.#run(() => this.#docs.docUsers(key))
  }

  listPending(options: { limit?: number; sobject?: string } = {}): Promise<PendingEntry[]> {
    return this.#run(() => this.#docs.listPending(options))
  }

  putGroup(group: FieldGroupRecord): Promise<void> {
    return this.#run(() => this.#accounts.putGroup(group))
  }

  getGroup(id: string): Promise<FieldGroupRecord | undefined> {
    return this.#run(() => this.#accounts.getGroup(id))
  }

  addView(sobject: string, groupId: string): Promise<void> {
    return this.#run(() => this.#accounts.addView(sobject, groupId))
  }

  listViews(sobject: string): Promise<FieldGroupRecord[]> {
    return this.#run(() => this.#accounts.listViews(sobject))
  }

  createSession(s: SessionRecord): Promise<void> {
    return this.#run(() => this.#accounts.createSession(s))
  }

  getSession(id: string): Promise<SessionRecord | undefined> {
    return this.#run(() => this.#accounts.getSession(id))
  }

  revokeSession(id: string, at: number): Promise<void> {
    return this.#run(() => this.#accounts.revokeSession(id, at))
  }

  claimDevice(device: string, userId: string, at: number): Promise<string> {
    return this.#run(() => this.#accounts.claimDevice(device, userId, at))
  }

  putOAuthState(r: OAuthStateRecord): Promise<void> {
    return this.#run(() => this.#accounts.putOAuthState(r))
  }

  takeOAuthState(state: string, now: number): Promise<OAuthStateRecord | undefined> {
    return this.#run(() => this.#accounts.takeOAuthState(state, now))
  }

  putUser(u: UserRecord): Promise<void> {
    return this.#run(() => this.#accounts.putUser(u))
  }

  getUser(id: string): Promise<UserRecord | undefined> {
    return this.#run(() => this.#accounts.getUser(id))
  }

  purgeExpired(now: number, before: number): Promise<void> {
    return this.#run(() => this.#accounts.purgeExpired(now, before))
  }

  getPreferences(userId: string): Promise<string[] | null> {
    return this.#run(() => this.#accounts.getPreferences(userId))
  }

  putPreferences(userId: string, items: readonly string[], at: number): Promise<void> {
    return this.#run(() => this.#accounts.putPreferences(userId, items, at))
  }

  close(): Promise<void> {
    return this.#run(() => {
      if (this.#timer) clearInterval(this.#timer)
      if (this.database.open) this.#syncNow()
      if (this.#owned && this.database.open) this.database.close()
    })
  }

  #stmt(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql)
    if (!stmt) {
      stmt = this.database.prepare(sql)
      this.#statements.set(sql, stmt)
    }
    return stmt
  }

  #run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn())
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }
}
