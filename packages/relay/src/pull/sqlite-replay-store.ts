import Database from 'better-sqlite3'
import type { ReplayStore } from './stream-ports.js'

/** Options of {@link SqliteReplayStore}. */
export interface SqliteReplayStoreOptions {
  /** An open better-sqlite3 database to share (the relay store's). */
  database?: Database.Database
}

/**
 * The embedded {@link ReplayStore}: the table `stream_replay` in the relay's better-sqlite3
 * database (each write is durable when it returns).
 *
 * @example
 * ```ts
 * const replay = new SqliteReplayStore({ database: relayStore.database })
 * ```
 */
export class SqliteReplayStore implements ReplayStore {
  readonly database: Database.Database

  constructor(options: SqliteReplayStoreOptions = {}) {
    this.database = options.database ?? new Database(':memory:')
    this.database.exec(
      `CREATE TABLE IF NOT EXISTS stream_replay (
         channel TEXT PRIMARY KEY,
         replay_id INTEGER NOT NULL
       )`,
    )
  }

  replayId(channel: string): Promise<number | null> {
    const row = this.database
      .prepare('SELECT replay_id FROM stream_replay WHERE channel = ?')
      .get(channel) as { replay_id: number } | undefined
    return Promise.resolve(row ? Number(row.replay_id) : null)
  }

  setReplayId(channel: string, replayId: number): Promise<void> {
    this.database
      .prepare(
        `INSERT INTO stream_replay (channel, replay_id) VALUES (?, ?)
         ON CONFLICT (channel) DO UPDATE SET replay_id = excluded.replay_id`,
      )
      .run(channel, replayId)
    return Promise.resolve()
  }

  clearReplayId(channel: string): Promise<void> {
    this.database.prepare('DELETE FROM stream_replay WHERE channel = ?').run(channel)
    return Promise.resolve()
  }
}
