import type { PostgresDatabase } from '../store/postgres-database.js'
import type { DocRef, DraftEntry, IntentWrite, OutboxEntry, ProjectionStore } from './ports.js'

/** Options of {@link PostgresProjectionStore}. */
export interface PostgresProjectionStoreOptions {
  /** The relay store's database (`PostgresRelayStore.database`); its migrations made the tables. */
  database: PostgresDatabase
}

interface DraftRow {
  draft_key: string
  name: string
  grp: string
  sobject: string
  salesforce_id: string | null
}

/**
 * The {@link ProjectionStore} several relays share: the tables `projection_outbox`,
 * `projection_draft` and `projection_block` in the relay's PostgreSQL schema. Each method is one
 * transaction, synced when its promise resolves. Which relay projects which record is decided
 * elsewhere (leases); this store only keeps what was sent.
 *
 * @example
 * ```ts
 * const relayStore = await PostgresRelayStore.open({ url })
 * const store = new PostgresProjectionStore({ database: relayStore.database })
 * ```
 */
export class PostgresProjectionStore implements ProjectionStore {
  readonly database: PostgresDatabase

  constructor(options: PostgresProjectionStoreOptions) {
    this.database = options.database
  }

  recordIntent(author: string, writes: readonly IntentWrite[], at: number): Promise<number> {
    const drafts = writes.filter((w) => w.kind === 'upsert' && w.draftKey)
    return this.database.transaction(async (tx) => {
      if (drafts.length > 0) {
        await tx.query(
          `INSERT INTO projection_draft (draft_key, name, grp, sobject, salesforce_id)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
           ON CONFLICT (draft_key) DO NOTHING`,
          [
            drafts.map((w) => w.draftKey),
            drafts.map((w) => w.ref.name),
            drafts.map((w) => w.ref.group),
            drafts.map((w) => w.sobject),
            drafts.map((w) => w.salesforceId),
          ],
        )
      }
      const rows = await tx.query<{ id: number }>(
        'INSERT INTO projection_outbox (author, writes, created_at) VALUES ($1, $2, $3) RETURNING id',
        [author, JSON.stringify(writes), at],
      )
      return (rows[0] as { id: number }).id
    })
  }

  async settleIntent(id: number): Promise<void> {
    await this.database.query('DELETE FROM projection_outbox WHERE id = $1', [id])
  }

  async unsettledIntents(): Promise<OutboxEntry[]> {
    const rows = await this.database.query<{
      id: number
      author: string
      writes: IntentWrite[]
      created_at: number
    }>('SELECT id, author, writes, created_at FROM projection_outbox ORDER BY id')
    return rows.map((r) => ({
      id: r.id,
      author: r.author,
      writes: r.writes,
      createdAt: r.created_at,
    }))
  }

  async drafts(keys: readonly string[]): Promise<Map<string, DraftEntry>> {
    const out = new Map<string, DraftEntry>()
    if (keys.length === 0) return out
    const rows = await this.database.query<DraftRow>(
      'SELECT * FROM projection_draft WHERE draft_key = ANY($1::text[])',
      [[...new Set(keys)]],
    )
    const byKey = new Map(rows.map((r) => [r.draft_key, r]))
    for (const key of new Set(keys)) {
      const r = byKey.get(key)
      if (!r) continue
      const ref: DocRef = { name: r.name, group: r.grp }
      out.set(key, { draftKey: key, ref, sobject: r.sobject, salesforceId: r.salesforce_id })
    }
    return out
  }

  async resolveDrafts(resolutions: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(resolutions)
    if (entries.length === 0) return
    await this.database.query(
      `UPDATE projection_draft d SET salesforce_id = r.id
         FROM unnest($1::text[], $2::text[]) AS r(draft_key, id) WHERE d.draft_key = r.draft_key`,
      [entries.map(([k]) => k), entries.map(([, id]) => id)],
    )
  }

  async forgetDrafts(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return
    await this.database.query(
      'DELETE FROM projection_draft WHERE draft_key = ANY($1::text[]) AND salesforce_id IS NULL',
      [[...keys]],
    )
  }

  async blocks(): Promise<Map<string, string>> {
    const rows = await this.database.query<{ name: string; grp: string; fingerprint: string }>(
      'SELECT name, grp, fingerprint FROM projection_block',
    )
    return new Map(rows.map((r) => [`${r.grp}|${r.name}`, r.fingerprint]))
  }

  async putBlock(ref: DocRef, fingerprint: string): Promise<void> {
    await this.database.query(
      `INSERT INTO projection_block (name, grp, fingerprint) VALUES ($1, $2, $3)
       ON CONFLICT (name, grp) DO UPDATE SET fingerprint = excluded.fingerprint`,
      [ref.name, ref.group, fingerprint],
    )
  }

  async clearBlock(ref: DocRef): Promise<void> {
    await this.database.query('DELETE FROM projection_block WHERE name = $1 AND grp = $2', [
      ref.name,
      ref.group,
    ])
  }
}
