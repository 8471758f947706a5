import Database from 'better-sqlite3'
import type { ObjectSchema, WriteOperation } from '@briefcase/record'
import { docKeyString } from './relay-store.js'
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

interface DocRow {
  name: string
  grp: string
  sobject: string
  rkey: string
  engine: string
  owner: string | null
  display_name: string | null
  salesforce_id: string | null
  created_at: number
  updated_at: number
}

interface PendingRow {
  name: string
  grp: string
  sobject: string
  operation: string
  first_change_at: string | null
  depends_on: string
  status: string | null
  updated_at: number
}

const META_COLUMNS =
  'name, grp, sobject, rkey, engine, owner, display_name, salesforce_id, created_at, updated_at'

function bytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

function toMeta(row: DocRow): DocMeta {
  return {
    name: row.name,
    group: row.grp,
    sobject: row.sobject,
    key: row.rkey,
    engine: row.engine,
    owner: row.owner,
    displayName: row.display_name,
    salesforceId: row.salesforce_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function toPending(row: PendingRow): PendingEntry {
  return {
    name: row.name,
    group: row.grp,
    sobject: row.sobject,
    operation: row.operation as WriteOperation,
    firstChangeAt: row.first_change_at,
    dependsOn: JSON.parse(row.depends_on) as string[],
    status: row.status as PendingEntry['status'],
    updatedAt: row.updated_at,
  }
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
    this.#commitTx = db.transaction((writes: readonly DocWrite[]) =>
      writes.map((w) => this.#write(w)),
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

  #write(w: DocWrite): number {
    const now = this.#now()
    const { name, group } = w.key
    const exists = this.#stmt('SELECT 1 FROM relay_doc WHERE name = ? AND grp = ?').get(name, group)
    if (!exists) {
      if (!w.meta) throw new Error(`The first write of ${name} (${group}) must carry its metadata.`)
      this.#stmt(
        `INSERT INTO relay_doc (${META_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        name,
        group,
        w.meta.sobject,
        w.meta.key,
        w.meta.engine,
        w.meta.owner ?? null,
        w.meta.displayName ?? null,
        w.meta.salesforceId ?? null,
        now,
        now,
      )
    } else {
      const m = w.meta
      this.#stmt(
        `UPDATE relay_doc SET updated_at = ?,
           owner = CASE WHEN ? THEN ? ELSE owner END,
           display_name = CASE WHEN ? THEN ? ELSE display_name END,
           salesforce_id = CASE WHEN ? THEN ? ELSE salesforce_id END
         WHERE name = ? AND grp = ?`,
      ).run(
        now,
        m?.owner !== undefined ? 1 : 0,
        m?.owner ?? null,
        m?.displayName !== undefined ? 1 : 0,
        m?.displayName ?? null,
        m?.salesforceId !== undefined ? 1 : 0,
        m?.salesforceId ?? null,
        name,
        group,
      )
    }
    let last = 0
    const updates = w.updates ?? []
    if (updates.length > 0) {
      const insert = this.#stmt('INSERT INTO relay_doc_update (name, grp, data) VALUES (?, ?, ?)')
      for (const u of updates) last = Number(insert.run(name, group, u).lastInsertRowid)
      this.#stmt(
        'UPDATE relay_doc SET update_count = update_count + ? WHERE name = ? AND grp = ?',
      ).run(updates.length, name, group)
    }
    if (w.pending === null) {
      this.#stmt('DELETE FROM relay_pending WHERE name = ? AND grp = ?').run(name, group)
    } else if (w.pending !== undefined) {
      const p = w.pending
      this.#stmt(
        `INSERT INTO relay_pending (name, grp, sobject, operation, first_change_at, depends_on, status, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name, grp) DO UPDATE SET sobject = excluded.sobject, operation = excluded.operation,
           first_change_at = excluded.first_change_at, depends_on = excluded.depends_on,
           status = excluded.status, updated_at = excluded.updated_at`,
      ).run(
        name,
        group,
        p.sobject,
        p.operation,
        p.firstChangeAt,
        JSON.stringify(p.dependsOn),
        p.status,
        now,
      )
    }
    if (w.users && w.users.length > 0) {
      const add = this.#stmt(
        'INSERT OR IGNORE INTO relay_doc_user (name, grp, user_id) VALUES (?, ?, ?)',
      )
      for (const user of w.users) add.run(name, group, user)
    }
    return last
  }

  loadDocs(keys: readonly DocKey[]): Promise<Map<string, StoredDoc>> {
    return this.#run(() => {
      const docStmt = this.#stmt(
        `SELECT ${META_COLUMNS}, state, state_seq FROM relay_doc WHERE name = ? AND grp = ?`,
      )
      const updStmt = this.#stmt(
        'SELECT seq, data FROM relay_doc_update WHERE name = ? AND grp = ? AND seq > ? ORDER BY seq',
      )
      const out = new Map<string, StoredDoc>()
      for (const key of keys) {
        const row = docStmt.get(key.name, key.group) as
          (DocRow & { state: Buffer | null; state_seq: number }) | undefined
        if (!row) continue
        const updates = (
          updStmt.all(key.name, key.group, row.state_seq) as { seq: number; data: Buffer }[]
        ).map((u) => ({ seq: u.seq, data: bytes(u.data) }))
        out.set(docKeyString(key), {
          meta: toMeta(row),
          state: row.state ? bytes(row.state) : null,
          stateSeq: row.state_seq,
          updates,
        })
      }
      return out
    })
  }

  docMetas(keys: readonly DocKey[]): Promise<Map<string, DocMeta>> {
    return this.#run(() => {
      const stmt = this.#stmt(`SELECT ${META_COLUMNS} FROM relay_doc WHERE name = ? AND grp = ?`)
      const out = new Map<string, DocMeta>()
      for (const key of keys) {
        const row = stmt.get(key.name, key.group) as DocRow | undefined
        if (row) out.set(docKeyString(key), toMeta(row))
      }
      return out
    })
  }

  listDocs(options: ListDocsOptions = {}): Promise<DocMeta[]> {
    return this.#run(() => {
      const where: string[] = []
      const params: (string | number)[] = []
      const equal = (column: string, value: string | undefined): void => {
        if (value === undefined) return
        where.push(`${column} = ?`)
        params.push(value)
      }
      equal('sobject', options.sobject)
      equal('name', options.name)
      equal('grp', options.group)
      if (options.withSalesforceId) where.push('salesforce_id IS NOT NULL')
      if (options.after) {
        where.push('(name > ? OR (name = ? AND grp > ?))')
        params.push(options.after.name, options.after.name, options.after.group)
      }
      const sql =
        `SELECT ${META_COLUMNS} FROM relay_doc` +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY name, grp' +
        (options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '')
      return (this.#stmt(sql).all(...params) as DocRow[]).map(toMeta)
    })
  }

  findBySalesforceId(sobject: string, salesforceId: string, group?: string): Promise<DocMeta[]> {
    return this.#run(() => {
      const rows = (
        group === undefined
          ? this.#stmt(
              `SELECT ${META_COLUMNS} FROM relay_doc WHERE sobject = ? AND salesforce_id = ? ORDER BY name, grp`,
            ).all(sobject, salesforceId)
          : this.#stmt(
              `SELECT ${META_COLUMNS} FROM relay_doc WHERE sobject = ? AND salesforce_id = ? AND grp = ? ORDER BY name`,
            ).all(sobject, salesforceId, group)
      ) as DocRow[]
      return rows.map(toMeta)
    })
  }

  compact(key: DocKey, state: Uint8Array, throughSeq: number): Promise<void> {
    return this.#run(() => {
      const db = this.database
      db.transaction(() => {
        const row = this.#stmt('SELECT state_seq FROM relay_doc WHERE name = ? AND grp = ?').get(
          key.name,
          key.group,
        ) as { state_seq: number } | undefined
        if (!row || row.state_seq > throughSeq) return
        this.#stmt('DELETE FROM relay_doc_update WHERE name = ? AND grp = ? AND seq <= ?').run(
          key.name,
          key.group,
          throughSeq,
        )
        const left = this.#stmt(
          'SELECT COUNT(*) AS n FROM relay_doc_update WHERE name = ? AND grp = ?',
        ).get(key.name, key.group) as { n: number }
        this.#stmt(
          'UPDATE relay_doc SET state = ?, state_seq = ?, update_count = ? WHERE name = ? AND grp = ?',
        ).run(state, throughSeq, left.n, key.name, key.group)
      })()
    })
  }

  updateCount(key: DocKey): Promise<number> {
    return this.#run(() => {
      const row = this.#stmt('SELECT update_count FROM relay_doc WHERE name = ? AND grp = ?').get(
        key.name,
        key.group,
      ) as { update_count: number } | undefined
      return row?.update_count ?? 0
    })
  }

  docUsers(key: DocKey): Promise<string[]> {
    return this.#run(() =>
      (
        this.#stmt(
          'SELECT user_id FROM relay_doc_user WHERE name = ? AND grp = ? ORDER BY user_id',
        ).all(key.name, key.group) as { user_id: string }[]
      ).map((r) => r.user_id),
    )
  }

  // ── pending index ──────────────────────────────────────────────────────────────────────────

  listPending(options: { limit?: number; sobject?: string } = {}): Promise<PendingEntry[]> {
    return this.#run(() => {
      const limit = Math.max(0, Math.floor(options.limit ?? 1000))
      const order = 'ORDER BY first_change_at IS NULL, first_change_at, name, grp'
      const rows = (
        options.sobject === undefined
          ? this.#stmt(`SELECT * FROM relay_pending ${order} LIMIT ?`).all(limit)
          : this.#stmt(`SELECT * FROM relay_pending WHERE sobject = ? ${order} LIMIT ?`).all(
              options.sobject,
              limit,
            )
      ) as PendingRow[]
      return rows.map(toPending)
    })
  }

  // ── field-visibility groups ─────────────────────────────────────────────────────────────────

  putGroup(group: FieldGroupRecord): Promise<void> {
    return this.#run(() => {
      this.#stmt(
        `INSERT INTO relay_field_group (id, sobject, schema, name_field) VALUES (?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET schema = excluded.schema, name_field = excluded.name_field`,
      ).run(group.id, group.sobject, JSON.stringify(group.schema), group.nameField)
    })
  }

  getGroup(id: string): Promise<FieldGroupRecord | undefined> {
    return this.#run(() => {
      const row = this.#stmt(
        'SELECT id, sobject, schema, name_field FROM relay_field_group WHERE id = ?',
      ).get(id) as
        { id: string; sobject: string; schema: string; name_field: string | null } | undefined
      return row
        ? {
            id: row.id,
            sobject: row.sobject,
            schema: JSON.parse(row.schema) as ObjectSchema,
            nameField: row.name_field,
          }
        : undefined
    })
  }

  // ── sessions and sign-in ───────────────────────────────────────────────────────────────────

  createSession(s: SessionRecord): Promise<void> {
    return this.#run(() => {
      this.#stmt(
        'INSERT INTO relay_session (id, user_id, device, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(s.id, s.userId, s.device, s.createdAt, s.expiresAt, s.revokedAt)
    })
  }

  getSession(id: string): Promise<SessionRecord | undefined> {
    return this.#run(() => {
      const row = this.#stmt('SELECT * FROM relay_session WHERE id = ?').get(id) as
        | {
            id: string
            user_id: string
            device: string
            created_at: number
            expires_at: number
            revoked_at: number | null
          }
        | undefined
      return row
        ? {
            id: row.id,
            userId: row.user_id,
            device: row.device,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
            revokedAt: row.revoked_at,
          }
        : undefined
    })
  }

  revokeSession(id: string, at: number): Promise<void> {
    return this.#run(() => {
      this.#stmt('UPDATE relay_session SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(
        at,
        id,
      )
    })
  }

  putOAuthState(r: OAuthStateRecord): Promise<void> {
    return this.#run(() => {
      this.#stmt(
        'INSERT INTO relay_oauth_state (state, verifier, device, return_to, expires_at) VALUES (?, ?, ?, ?, ?)',
      ).run(r.state, r.verifier, r.device, r.returnTo, r.expiresAt)
    })
  }

  takeOAuthState(state: string, now: number): Promise<OAuthStateRecord | undefined> {
    return this.#run(() => {
      const db = this.database
      return db.transaction(() => {
        const row = this.#stmt('SELECT * FROM relay_oauth_state WHERE state = ?').get(state) as
          | {
              state: string
              verifier: string
              device: string
              return_to: string
              expires_at: number
            }
          | undefined
        if (!row) return undefined
        this.#stmt('DELETE FROM relay_oauth_state WHERE state = ?').run(state)
        if (row.expires_at <= now) return undefined
        return {
          state: row.state,
          verifier: row.verifier,
          device: row.device,
          returnTo: row.return_to,
          expiresAt: row.expires_at,
        }
      })()
    })
  }

  putUser(u: UserRecord): Promise<void> {
    return this.#run(() => {
      this.#stmt(
        `INSERT INTO relay_user (id, org_id, username, name, email, instance_url, refresh_token, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, username = excluded.username,
             name = excluded.name, email = excluded.email, instance_url = excluded.instance_url,
             refresh_token = excluded.refresh_token, updated_at = excluded.updated_at`,
      ).run(u.id, u.orgId, u.username, u.name, u.email, u.instanceUrl, u.refreshToken, u.updatedAt)
    })
  }

  getUser(id: string): Promise<UserRecord | undefined> {
    return this.#run(() => {
      const row = this.#stmt('SELECT * FROM relay_user WHERE id = ?').get(id) as
        | {
            id: string
            org_id: string
            username: string
            name: string
            email: string | null
            instance_url: string
            refresh_token: Buffer
            updated_at: number
          }
        | undefined
      return row
        ? {
            id: row.id,
            orgId: row.org_id,
            username: row.username,
            name: row.name,
            email: row.email,
            instanceUrl: row.instance_url,
            refreshToken: bytes(row.refresh_token),
            updatedAt: row.updated_at,
          }
        : undefined
    })
  }

  purgeExpired(now: number, before: number): Promise<void> {
    return this.#run(() => {
      this.#stmt('DELETE FROM relay_oauth_state WHERE expires_at <= ?').run(now)
      this.#stmt('DELETE FROM relay_session WHERE expires_at < ?').run(before)
    })
  }

  // ── preferences ────────────────────────────────────────────────────────────────────────────

  getPreferences(userId: string): Promise<string[] | null> {
    return this.#run(() => {
      const row = this.#stmt('SELECT items FROM relay_preferences WHERE user_id = ?').get(
        userId,
      ) as { items: string } | undefined
      return row ? (JSON.parse(row.items) as string[]) : null
    })
  }

  putPreferences(userId: string, items: readonly string[], at: number): Promise<void> {
    return this.#run(() => {
      this.#stmt(
        `INSERT INTO relay_preferences (user_id, items, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET items = excluded.items, updated_at = excluded.updated_at`,
      ).run(userId, JSON.stringify(items), at)
    })
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
