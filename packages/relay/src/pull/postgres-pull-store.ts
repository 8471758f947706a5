import type { PostgresDatabase } from '../store/postgres-database.js'
import type { PullStore, Watermark } from './ports.js'

/** Options of {@link PostgresPullStore}. */
export interface PostgresPullStoreOptions {
  /** The relay store's database (`PostgresRelayStore.database`); its migrations made the table. */
  database: PostgresDatabase
}

/**
 * The {@link PullStore} several relays share: the table `pull_watermark` in the relay's
 * PostgreSQL schema.
 *
 * @example
 * ```ts
 * const store = new PostgresPullStore({ database: relayStore.database })
 * ```
 */
export class PostgresPullStore implements PullStore {
  readonly database: PostgresDatabase

  constructor(options: PostgresPullStoreOptions) {
    this.database = options.database
  }

  async watermark(sobject: string): Promise<Watermark> {
    const rows = await this.database.query<Watermark>(
      'SELECT updated, deleted FROM pull_watermark WHERE sobject = $1',
      [sobject],
    )
    return { updated: rows[0]?.updated ?? null, deleted: rows[0]?.deleted ?? null }
  }

  async setWatermark(sobject: string, watermark: Watermark): Promise<void> {
    await this.database.query(
      `INSERT INTO pull_watermark (sobject, updated, deleted) VALUES ($1, $2, $3)
       ON CONFLICT (sobject) DO UPDATE SET updated = excluded.updated, deleted = excluded.deleted`,
      [sobject, watermark.updated, watermark.deleted],
    )
  }
}
