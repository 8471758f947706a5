import type Database from 'better-sqlite3'
import { docKeyString } from './relay-store.js'
import type { DigestRow, DocRow, PendingRow } from './store-rows.js'
import { META_COLUMNS, bytes, toDigest, toMeta, toPending } from './store-rows.js'
import type {
  DocDigest,
  DocKey,
  DocMeta,
  DocWrite,
  ListDocsOptions,
  PendingEntry,
  StoredDoc,
} from './relay-store.js'

/**
 * The SQLite rows of documents: metadata, update log, compacted state, users and the pending index
 * (synchronous; `SqliteRelayStore` runs them in transactions and wraps them in promises).
 */
export class SqliteDocRows {
  readonly #db: Database.Database
  readonly #stmt: (sql: string) => Database.Statement
  readonly #now: () => number

  constructor(db: Database.Database, stmt: (sql: string) => Database.Statement, now: () => number) {
    this.#db = db
    this.#stmt = stmt
    this.#now = now
  }

  /**
   * One document's part of a commit (inside the caller's transaction): the document row updated
   * (only the metadata columns given, with its update count) or, when there is none, inserted;
   * then its updates, pending row and users.
   */
  write(w: DocWrite): number {
    const now = this.#now()
    const { name, group } = w.key
    const updates = w.updates ?? []
    if (!this.#touch(w, now, updates.length)) {
      if (!w.meta) throw new Error(`The first write of ${name} (${group}) must carry its metadata.`)
      this.#stmt(
        `INSERT INTO relay_doc (${META_COLUMNS}, update_count, state_vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        updates.length,
        updates.length > 0 ? (w.stateVector ?? null) : null,
      )
    }
    let last = 0
    if (updates.length > 0) {
      const insert = this.#stmt('INSERT INTO relay_doc_update (name, grp, data) VALUES (?, ?, ?)')
      for (const u of updates) last = Number(insert.run(name, group, u).lastInsertRowid)
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

  /**
   * Updates an existing document row: `updated_at`, the update count, and the metadata columns the
   * write gives (one statement; a column left out keeps its value and its index is not touched).
   * False when there is no row.
   */
  #touch(w: DocWrite, now: number, added: number): boolean {
    const m = w.meta
    const columns: (readonly [string, string | Uint8Array | null | undefined])[] = (
      [
        ['owner', m?.owner],
        ['display_name', m?.displayName],
        ['salesforce_id', m?.salesforceId],
      ] as const
    ).filter(([, value]) => value !== undefined)
    // A write that appends updates replaces the state vector (null when it gives none).
    if (added > 0) columns.push(['state_vector', w.stateVector ?? null])
    const set = columns.map(([column]) => `, ${column} = ?`).join('')
    const changes = this.#stmt(
      `UPDATE relay_doc SET updated_at = ?, update_count = update_count + ?${set} WHERE name = ? AND grp = ?`,
    ).run(now, added, ...columns.map(([, value]) => value ?? null), w.key.name, w.key.group).changes
    return changes > 0
  }

  loadDocs(keys: readonly DocKey[]): Map<string, StoredDoc> {
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
  }

  docDigests(keys: readonly DocKey[], userId: string): Map<string, DocDigest> {
    const stmt = this.#stmt(
      `SELECT ${META_COLUMNS}, state_vector, EXISTS (SELECT 1 FROM relay_doc_user u
         WHERE u.name = d.name AND u.grp = d.grp AND u.user_id = ?) AS held
       FROM relay_doc d WHERE name = ? AND grp = ?`,
    )
    const out = new Map<string, DocDigest>()
    for (const key of keys) {
      const row = stmt.get(userId, key.name, key.group) as DigestRow | undefined
      if (row) out.set(docKeyString(key), toDigest(row))
    }
    return out
  }

  docMetas(keys: readonly DocKey[]): Map<string, DocMeta> {
    const stmt = this.#stmt(`SELECT ${META_COLUMNS} FROM relay_doc WHERE name = ? AND grp = ?`)
    const out = new Map<string, DocMeta>()
    for (const key of keys) {
      const row = stmt.get(key.name, key.group) as DocRow | undefined
      if (row) out.set(docKeyString(key), toMeta(row))
    }
    return out
  }

  listDocs(options: ListDocsOptions = {}): DocMeta[] {
    const where: string[] = []
    const params: (string | number)[] = []
    const equal = (column: string, value: string | undefined): void => {
      if (value === undefined) return
      where.push(`${column} = ?`)
      params.push(value)
    }
    equal('sobject', options.sobject)
    equal('name', options.name)
    if (options.names) {
      if (options.names.length === 0) return []
      where.push(`name IN (${options.names.map(() => '?').join(', ')})`)
      params.push(...options.names)
    }
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
  }

  findBySalesforceId(sobject: string, salesforceId: string, group?: string): DocMeta[] {
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
  }

  compact(key: DocKey, state: Uint8Array, throughSeq: number): void {
    const db = this.#db
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
  }

  updateCount(key: DocKey): number {
    const row = this.#stmt('SELECT update_count FROM relay_doc WHERE name = ? AND grp = ?').get(
      key.name,
      key.group,
    ) as { update_count: number } | undefined
    return row?.update_count ?? 0
  }

  docUsers(key: DocKey): string[] {
    const rows = this.#stmt(
      'SELECT user_id FROM relay_doc_user WHERE name = ? AND grp = ? ORDER BY user_id',
    ).all(key.name, key.group) as { user_id: string }[]
    return rows.map((r) => r.user_id)
  }

  listPending(options: { limit?: number; sobject?: string } = {}): PendingEntry[] {
    const limit = Math.max(0, Math.floor(options.limit ?? 1000))
    const order = 'ORDER BY first_change_at IS NULL, first_change_at, name, grp'
    const rows = (
      options.sobject === undefined
        ? this.#stmt(`SELECT * FROM relay_pending ${order} LIMIT ?`).all(limit)
        : this.#stmt(`SELECT * FROM relay_pending WHERE sobject = ? ${order} LIMIT ?`).all(
            options.sobject,
            limit,
          )
    ) as PendingRow<string>[]
    return rows.map((r) => toPending(r, JSON.parse(r.depends_on) as string[]))
  }
}
