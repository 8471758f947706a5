import Database from 'better-sqlite3'
import type { DocRef, DraftEntry, IntentWrite, OutboxEntry, ProjectionStore } from './ports.js'

/** Options of {@link SqliteProjectionStore}. */
export interface SqliteProjectionStoreOptions {
  /** An open better-sqlite3 database to share (the relay store's); its pragmas are kept. */
  database?: Database.Database
  /** Database file when no `database` is given (default `:memory:`); opened in WAL mode. */
  file?: string
}

const TABLES = `
  CREATE TABLE IF NOT EXISTS projection_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author TEXT NOT NULL,
    writes TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS projection_draft (
    draft_key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    grp TEXT NOT NULL,
    sobject TEXT NOT NULL,
    salesforce_id TEXT
  );
  CREATE TABLE IF NOT EXISTS projection_block (
    name TEXT NOT NULL,
    grp TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (name, grp)
  ) WITHOUT ROWID;
`

interface DraftRow {
  draft_key: string
  name: string
  grp: string
  sobject: string
  salesforce_id: string | null
}

/**
 * The embedded {@link ProjectionStore}: three tables (`projection_outbox`, `projection_draft`,
 * `projection_block`) in the relay's better-sqlite3 database. Each method is one transaction,
 * durable when its promise resolves (with the database's `synchronous = FULL`).
 *
 * @example
 * ```ts
 * const relayStore = new SqliteRelayStore({ file: '.data/relay.sqlite' })
 * const store = new SqliteProjectionStore({ database: relayStore.database })
 * ```
 */
export class SqliteProjectionStore implements ProjectionStore {
  /** The database (shared or owned). */
  readonly database: Database.Database
  readonly #owned: boolean

  constructor(options: SqliteProjectionStoreOptions = {}) {
    this.#owned = options.database === undefined
    this.database = options.database ?? new Database(options.file ?? ':memory:')
    if (this.#owned) {
      this.database.pragma('journal_mode = WAL')
      this.database.pragma('synchronous = FULL')
    }
    this.database.exec(TABLES)
  }

  recordIntent(author: string, writes: readonly IntentWrite[], at: number): Promise<number> {
    return this.#run(() =>
      this.database.transaction(() => {
        const insert = this.database.prepare(
          `INSERT INTO projection_draft (draft_key, name, grp, sobject, salesforce_id)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT (draft_key) DO NOTHING`,
        )
        for (const w of writes) {
          if (w.kind === 'upsert' && w.draftKey) {
            insert.run(w.draftKey, w.ref.name, w.ref.group, w.sobject, w.salesforceId)
          }
        }
        const row = this.database
          .prepare('INSERT INTO projection_outbox (author, writes, created_at) VALUES (?, ?, ?)')
          .run(author, JSON.stringify(writes), at)
        return Number(row.lastInsertRowid)
      })(),
    )
  }

  settleIntent(id: number): Promise<void> {
    return this.#run(() => {
      this.database.prepare('DELETE FROM projection_outbox WHERE id = ?').run(id)
    })
  }

  unsettledIntents(): Promise<OutboxEntry[]> {
    return this.#run(() => {
      const rows = this.database
        .prepare('SELECT id, author, writes, created_at FROM projection_outbox ORDER BY id')
        .all() as { id: number; author: string; writes: string; created_at: number }[]
      return rows.map((r) => ({
        id: r.id,
        author: r.author,
        writes: JSON.parse(r.writes) as IntentWrite[],
        createdAt: r.created_at,
      }))
    })
  }

  drafts(keys: readonly string[]): Promise<Map<string, DraftEntry>> {
    return this.#run(() => {
      const out = new Map<string, DraftEntry>()
      const select = this.database.prepare('SELECT * FROM projection_draft WHERE draft_key = ?')
      for (const key of new Set(keys)) {
        const r = select.get(key) as DraftRow | undefined
        if (!r) continue
        const ref: DocRef = { name: r.name, group: r.grp }
        out.set(key, { draftKey: key, ref, sobject: r.sobject, salesforceId: r.salesforce_id })
      }
      return out
    })
  }

  resolveDrafts(resolutions: Readonly<Record<string, string>>): Promise<void> {
    return this.#run(() => {
      const update = this.database.prepare(
        'UPDATE projection_draft SET salesforce_id = ? WHERE draft_key = ?',
      )
      this.database.transaction(() => {
        for (const [key, id] of Object.entries(resolutions)) update.run(id, key)
      })()
    })
  }

  forgetDrafts(keys: readonly string[]): Promise<void> {
    return this.#run(() => {
      const remove = this.database.prepare(
        'DELETE FROM projection_draft WHERE draft_key = ? AND salesforce_id IS NULL',
      )
      this.database.transaction(() => {
        for (const key of keys) remove.run(key)
      })()
    })
  }

  blocks(): Promise<Map<string, string>> {
    return this.#run(() => {
      const rows = this.database
        .prepare('SELECT name, grp, fingerprint FROM projection_block')
        .all() as { name: string; grp: string; fingerprint: string }[]
      return new Map(rows.map((r) => [`${r.grp}|${r.name}`, r.fingerprint]))
    })
  }

  putBlock(ref: DocRef, fingerprint: string): Promise<void> {
    return this.#run(() => {
      this.database
        .prepare(
          `INSERT INTO projection_block (name, grp, fingerprint) VALUES (?, ?, ?)
           ON CONFLICT (name, grp) DO UPDATE SET fingerprint = excluded.fingerprint`,
        )
        .run(ref.name, ref.group, fingerprint)
    })
  }

  clearBlock(ref: DocRef): Promise<void> {
    return this.#run(() => {
      this.database
        .prepare('DELETE FROM projection_block WHERE name = ? AND grp = ?')
        .run(ref.name, ref.group)
    })
  }

  /** Closes the database when this store opened it. */
  close(): Promise<void> {
    return this.#run(() => {
      if (this.#owned) this.database.close()
    })
  }

  #run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn())
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }
}
