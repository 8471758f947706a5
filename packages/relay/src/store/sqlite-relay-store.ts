import Database from 'better-sqlite3'
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import type {
  CommitOptions,
  DocDigest,
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
import { WalCheckpointer } from './wal-checkpointer.js'

/** Options of {@link SqliteRelayStore}. */
export interface SqliteRelayStoreOptions {
  /** Database file (default `:memory:`). Ignored when `database` is given. */
  file?: string
  /** An open better-sqlite3 database to share (the projector keeps its tables in it too). */
  database?: Database.Database
  /**
   * `NORMAL` (default): a `written` commit is in the WAL, so it survives a relay crash, and is
   * fsynced by the next `sync()` (or synced commit) or within `syncIntervalMs`; the fsync of the
   * WAL file runs on libuv's thread pool, and checkpoints (with their fsyncs) on a worker thread,
   * never on the event loop. `FULL`: every commit is fsynced inside its transaction.
   */
  synchronous?: 'FULL' | 'NORMAL'
  /** Longest time a `written` commit waits for its fsync, in ms (default 1000). */
  syncIntervalMs?: number
  /** The clock for `updatedAt` (default `Date.now`). */
  now?: () => number
  /**
   * Hears what the store absorbs and retries by itself: a failed checkpoint on the checkpointer
   * thread, a failed background fsync (the next `sync()` retries it and rejects if it fails again).
   */
  onIgnoredError?: (error: Error) => void
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
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
  /** Started with the first document commit (an idle relay holds no extra thread). */
  #checkpointer: WalCheckpointer | undefined
  readonly #checkpointInterval: number
  /** Whether this database gets a checkpointer thread (a WAL file, not FULL). */
  readonly #wantsCheckpointer: boolean
  /** The WAL file, opened for fsync on first use (file databases only). */
  #wal: Promise<FileHandle> | undefined
  #unsynced = false
  readonly #onIgnoredError: (error: Error) => void

  constructor(options: SqliteRelayStoreOptions = {}) {
    this.#owned = options.database === undefined
    this.database = options.database ?? new Database(options.file ?? ':memory:')
    this.#now = options.now ?? Date.now
    this.#onIgnoredError = options.onIgnoredError ?? (() => undefined)
    const db = this.database
    this.#alwaysSync = options.synchronous === 'FULL'
    if (options.database === undefined) {
      db.pragma('journal_mode = WAL')
      db.pragma('busy_timeout = 5000')
    }
    db.pragma(`synchronous = ${this.#alwaysSync ? 'FULL' : 'NORMAL'}`)
    const interval = options.syncIntervalMs ?? 1000
    if (!this.#alwaysSync) {
      this.#timer = setInterval(() => {
        // A failed fsync leaves the store unsynced: the next sync() retries it and reports.
        if (this.#unsynced && db.open)
          this.sync().catch((error: unknown) => this.#onIgnoredError(asError(error)))
      }, interval)
      this.#timer.unref()
    }
    migrate(db)
    this.#checkpointInterval = interval
    this.#wantsCheckpointer =
      !this.#alwaysSync && !db.memory && db.pragma('journal_mode', { simple: true }) === 'wal'
    this.#docs = new SqliteDocRows(db, (sql) => this.#stmt(sql), this.#now)
    this.#accounts = new SqliteAccountRows(db, (sql) => this.#stmt(sql))
    this.#commitTx = db.transaction((writes: readonly DocWrite[]) =>
      writes.map((w) => this.#docs.write(w)),
    )
  }

  // ── documents ──────────────────────────────────────────────────────────────────────────────

  commit(writes: readonly DocWrite[], options: CommitOptions = {}): Promise<number[]> {
    const synced = (options.durability ?? 'synced') === 'synced'
    return this.#run(() => {
      if (writes.length === 0) return []
      const seqs = this.#commitTx(writes)
      if (!this.#alwaysSync) this.#unsynced = true
      if (this.#wantsCheckpointer && !this.#checkpointer) this.#startCheckpointer()
      return seqs
    }).then(async (seqs) => {
      if (synced && !this.#alwaysSync) await this.sync()
      return seqs
    })
  }

  /**
   * Fsyncs what the WAL holds (every commit made before the call), off the event loop: SQLite
   * wrote the frames to the WAL file at commit, so syncing the file makes them durable; frames a
   * checkpoint has already copied were synced into the database file by that checkpoint before
   * the WAL can restart over them.
   */
  async sync(): Promise<void> {
    if (!this.#unsynced || !this.database.open) return
    this.#unsynced = false
    try {
      if (this.database.memory) return
      this.#wal ??= open(`${this.database.name}-wal`, 'r+')
      await (await this.#wal).sync()
    } catch (error) {
      this.#unsynced = true
      this.#wal = undefined
      throw error
    }
  }

  /**
   * From now on, checkpoints run on the worker thread: automatic checkpoints (on the relay's
   * connection, inside a commit, with their fsyncs) are switched off.
   */
  #startCheckpointer(): void {
    this.database.pragma('wal_autocheckpoint = 0')
    this.#checkpointer = new WalCheckpointer(
      this.database.name,
      this.#checkpointInterval,
      (message) => this.#onIgnoredError(new Error(`SQLite checkpoint failed: ${message}`)),
    )
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

  docDigests(keys: readonly DocKey[], userId: string): Promise<Map<string, DocDigest>> {
    return this.#run(() => this.#docs.docDigests(keys, userId))
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

  listViewIds(sobject: string): Promise<string[]> {
    return this.#run(() => this.#accounts.listViewIds(sobject))
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

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    await this.#checkpointer?.close()
    await (await this.#wal?.catch(() => undefined))?.close()
    return this.#run(() => {
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
      return Promise.reject(asError(error))
    }
  }
}
