import { PostgresAccountRows } from './postgres-account-rows.js'
import { writeDocBatch } from './postgres-commit-batch.js'
import type { PostgresDatabase, PostgresDatabaseOptions } from './postgres-database.js'
import { openPostgresDatabase } from './postgres-database.js'
import {
  compactDocRows,
  docDigestRows,
  docMetaRows,
  findDocRowsBySalesforceId,
  listDocRows,
  listPendingRows,
  loadDocRows,
  writeDocRows,
} from './postgres-doc-rows.js'
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

/** Options of {@link PostgresRelayStore}. */
export interface PostgresRelayStoreOptions {
  /** The pool and schema, from `openPostgresDatabase` (shared with the other PostgreSQL stores). */
  database: PostgresDatabase
  /** Close the database with the store (default `false`: whoever opened it closes it). */
  ownsDatabase?: boolean
  /** The clock for `updatedAt` (default `Date.now`). */
  now?: () => number
}

/**
 * The {@link RelayStore} several relays share: PostgreSQL through one `pg` pool. A commit is one
 * transaction; a `synced` commit resolves once PostgreSQL has flushed it (`synchronous_commit =
 * on`), a `written` one runs with `synchronous_commit = off` (on the server,
 * so it survives a relay crash; flushed by the WAL writer within a few hundred ms, by the next
 * synced commit or by {@link PostgresRelayStore.sync}). When PostgreSQL cannot be reached, calls
 * reject with a `StoreError` coded `BRIEFCASE_STORE_UNAVAILABLE` and write nothing; the pool
 * reconnects by itself.
 *
 * @example
 * ```ts
 * const store = await PostgresRelayStore.open({ url: 'postgres://postgres@127.0.0.1/test' })
 * await store.commit([{ key: { name: 'Account/001000000000001AAA', group: 'g1' },
 *   meta: { sobject: 'Account', key: '001000000000001AAA', engine: 'yjs' }, updates: [update] }])
 * ```
 */
export class PostgresRelayStore implements RelayStore {
  readonly backend: string = 'postgres'
  /** The pool and schema, shared with the projector's and puller's PostgreSQL stores. */
  readonly database: PostgresDatabase
  readonly #owned: boolean
  readonly #now: () => number
  readonly #accounts: PostgresAccountRows
  #unsynced = false
  /** `written` commits so far: a synced commit clears `#unsynced` only if none finished meanwhile. */
  #writtenCount = 0
  /**
   * This store's row of `relay_sync_mark` (random, 2–32767): relays sharing the database sync
   * through rows of their own, so that one's sync never waits on another's row lock.
   */
  readonly #markId = 2 + Math.floor(Math.random() * 32_766)

  constructor(options: PostgresRelayStoreOptions) {
    this.database = options.database
    this.#owned = options.ownsDatabase ?? false
    this.#now = options.now ?? Date.now
    this.#accounts = new PostgresAccountRows(this.database)
  }

  /**
   * Opens a database (checking the server and migrating, see `openPostgresDatabase`) and a store
   * that closes it with itself.
   */
  static async open(
    options: PostgresDatabaseOptions & { now?: () => number },
  ): Promise<PostgresRelayStore> {
    const database = await openPostgresDatabase(options)
    return new PostgresRelayStore({
      database,
      ownsDatabase: true,
      ...(options.now ? { now: options.now } : {}),
    })
  }

  // ── documents ──────────────────────────────────────────────────────────────────────────────

  async commit(writes: readonly DocWrite[], options: CommitOptions = {}): Promise<number[]> {
    const synced = (options.durability ?? 'synced') === 'synced'
    if (writes.length === 0) {
      if (synced) await this.sync()
      return []
    }
    const now = this.#now()
    const writtenBefore = this.#writtenCount
    const seqs = await this.database.transaction(
      async (tx) =>
        // One document (the live path): its own few statements; more: a fixed number for all.
        writes.length === 1
          ? [await writeDocRows(tx, writes[0] as DocWrite, now)]
          : writeDocBatch(tx, writes, now),
      { synchronousCommit: synced },
    )
    if (!synced) {
      this.#writtenCount++
      this.#unsynced = true
    } else if (this.#writtenCount === writtenBefore) {
      // Its flush covered the WAL before its commit record, earlier `written` commits included.
      this.#unsynced = false
    }
    return seqs
  }

  /**
   * Makes earlier `written` commits synced: one synchronous write, whose flush covers the WAL
   * before it.
   */
  async sync(): Promise<void> {
    if (!this.#unsynced) return
    // Cleared first: a `written` commit made while the mark is in flight sets it again, so that
    // the next sync covers it (the hub's syncs run beside its commits).
    this.#unsynced = false
    try {
      await this.database.query(
        `INSERT INTO relay_sync_mark (id, at) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET at = excluded.at`,
        [this.#markId, this.#now()],
      )
    } catch (error) {
      this.#unsynced = true
      throw error
    }
  }

  loadDocs(keys: readonly DocKey[]): Promise<Map<string, StoredDoc>> {
    if (keys.length === 0) return Promise.resolve(new Map<string, StoredDoc>())
    return this.database.transaction((tx) => loadDocRows(tx, keys), { snapshot: true })
  }

  docMetas(keys: readonly DocKey[]): Promise<Map<string, DocMeta>> {
    return docMetaRows(this.database, keys)
  }

  docDigests(keys: readonly DocKey[], userId: string): Promise<Map<string, DocDigest>> {
    return docDigestRows(this.database, keys, userId)
  }

  listDocs(options: ListDocsOptions = {}): Promise<DocMeta[]> {
    return listDocRows(this.database, options)
  }

  findBySalesforceId(sobject: string, salesforceId: string, group?: string): Promise<DocMeta[]> {
    return findDocRowsBySalesforceId(this.database, sobject, salesforceId, group)
  }

  compact(key: DocKey, state: Uint8Array, throughSeq: number): Promise<void> {
    return this.database.transaction((tx) => compactDocRows(tx, key, state, throughSeq))
  }

  async updateCount(key: DocKey): Promise<number> {
    const rows = await this.database.query<{ update_count: number }>(
      'SELECT update_count FROM relay_doc WHERE name = $1 AND grp = $2',
      [key.name, key.group],
    )
    return rows[0]?.update_count ?? 0
  }

  async docUsers(key: DocKey): Promise<string[]> {
    const rows = await this.database.query<{ user_id: string }>(
      'SELECT user_id FROM relay_doc_user WHERE name = $1 AND grp = $2 ORDER BY user_id',
      [key.name, key.group],
    )
    return rows.map((r) => r.user_id)
  }

  listPending(options: { limit?: number; sobject?: string } = {}): Promise<PendingEntry[]> {
    return listPendingRows(this.database, options)
  }

  // ── field groups, sessions, users, preferences ────────────────────────────────────────────

  putGroup(group: FieldGroupRecord): Promise<void> {
    return this.#accounts.putGroup(group)
  }

  getGroup(id: string): Promise<FieldGroupRecord | undefined> {
    return this.#accounts.getGroup(id)
  }

  addView(sobject: string, groupId: string): Promise<void> {
    return this.#accounts.addView(sobject, groupId)
  }

  listViews(sobject: string): Promise<FieldGroupRecord[]> {
    return this.#accounts.listViews(sobject)
  }

  listViewIds(sobject: string): Promise<string[]> {
    return this.#accounts.listViewIds(sobject)
  }

  createSession(s: SessionRecord): Promise<void> {
    return this.#accounts.createSession(s)
  }

  getSession(id: string): Promise<SessionRecord | undefined> {
    return this.#accounts.getSession(id)
  }

  revokeSession(id: string, at: number): Promise<void> {
    return this.#accounts.revokeSession(id, at)
  }

  claimDevice(device: string, userId: string, at: number): Promise<string> {
    return this.#accounts.claimDevice(device, userId, at)
  }

  putOAuthState(r: OAuthStateRecord): Promise<void> {
    return this.#accounts.putOAuthState(r)
  }

  takeOAuthState(state: string, now: number): Promise<OAuthStateRecord | undefined> {
    return this.#accounts.takeOAuthState(state, now)
  }

  putUser(u: UserRecord): Promise<void> {
    return this.#accounts.putUser(u)
  }

  getUser(id: string): Promise<UserRecord | undefined> {
    return this.#accounts.getUser(id)
  }

  purgeExpired(now: number, before: number): Promise<void> {
    return this.#accounts.purgeExpired(now, before)
  }

  getPreferences(userId: string): Promise<string[] | null> {
    return this.#accounts.getPreferences(userId)
  }

  putPreferences(userId: string, items: readonly string[], at: number): Promise<void> {
    return this.#accounts.putPreferences(userId, items, at)
  }

  /** Syncs `written` commits, then closes the database when this store owns it. */
  async close(): Promise<void> {
    await this.sync().catch(() => undefined)
    if (this.#owned) await this.database.close()
  }
}
