import Database from 'better-sqlite3'
import type { PullStore, Watermark } from './ports.js'

/** Options of {@link SqlitePullStore}. */
export interface SqlitePullStoreOptions {
  /** An open better-sqlite3 database to share (the relay store's). */
  database?: Database.Database
  /** Database file when no `database` is given (default `:memory:`). */
  file?: string
}

/**
 * The embedded {@link PullStore}: the table `pull_watermark` in the relay's better-sqlite3
 * database.
 *
 * @example
 * ```ts
 * const store = new SqlitePullStore({ database: relayStore.database })
 * ```
 */
export class SqlitePullStore implements PullStore {
  readonly database: Database.Database
  readonly #owned: boolean

  constructor(options: SqlitePullStoreOptions = {}) {
    this.#owned = options.database === undefined
    this.database = options.database ?? new Database(options.file ?? ':memory:')
    this.database.exec(
      `CREATE TABLE IF NOT EXISTS pull_watermark (
         sobject TEXT PRIMARY KEY,
         updated TEXT,
         deleted TEXT
       )`,
    )
  }

  watermark(sobject: string): Promise<Watermark> {
    const row = this.database
      .prepare('SELECT updated, deleted FROM pull_watermark WHERE sobject = ?')
      .get(sobject) as Watermark | undefined
    return Promise.resolve({ updated: row?.updated ?? null, deleted: row?.deleted ?? null })
  }

  setWatermark(sobject: string, watermark: Watermark): Promise<void> {
    this.database
      .prepare(
        `INSERT INTO pull_watermark (sobject, updated, deleted) VALUES (?, ?, ?)
         ON CONFLICT (sobject) DO UPDATE SET updated = excluded.updated, deleted = excluded.deleted`,
      )
      .run(sobject, watermark.updated, watermark.deleted)
    return Promise.resolve()
  }

  /** Closes the database when this store opened it. */
  close(): Promise<void> {
    if (this.#owned) this.database.close()
    return Promise.resolve()
  }
}
