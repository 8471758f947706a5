import type { PostgresDatabase } from '../store/postgres-database.js'
import type { ReplayStore } from './stream-ports.js'

/** Options of {@link PostgresReplayStore}. */
export interface PostgresReplayStoreOptions {
  /** The relay store's database (`PostgresRelayStore.database`); its migrations made the table. */
  database: PostgresDatabase
}

/**
 * The {@link ReplayStore} several relays share: the table `stream_replay` in the relay's
 * PostgreSQL schema (each write synced when it resolves).
 *
 * @example
 * ```ts
 * const replay = new PostgresReplayStore({ database: relayStore.database })
 * ```
 */
export class PostgresReplayStore implements ReplayStore {
  readonly database: PostgresDatabase

  constructor(options: PostgresReplayStoreOptions) {
    this.database = options.database
  }

  async replayId(channel: string): Promise<number | null> {
    const rows = await this.database.query<{ replay_id: number }>(
      'SELECT replay_id FROM stream_replay WHERE channel = $1',
      [channel],
    )
    return rows[0] ? rows[0].replay_id : null
  }

  async setReplayId(channel: string, replayId: number): Promise<void> {
    await this.database.query(
      `INSERT INTO stream_replay (channel, replay_id) VALUES ($1, $2)
       ON CONFLICT (channel) DO UPDATE SET replay_id = excluded.replay_id`,
      [channel, replayId],
    )
  }

  async clearReplayId(channel: string): Promise<void> {
    await this.database.query('DELETE FROM stream_replay WHERE channel = $1', [channel])
  }
}
