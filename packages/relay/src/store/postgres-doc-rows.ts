import type { PostgresQueryable } from './postgres-database.js'
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

/** Rows of `relay_doc` whose key is among `$1` (names) and `$2` (groups), pairwise. */
const KEYS_JOIN = 'JOIN unnest($1::text[], $2::text[]) AS k(name, grp) USING (name, grp)'

function keyArrays(keys: readonly DocKey[]): [string[], string[]] {
  return [keys.map((k) => k.name), keys.map((k) => k.group)]
}

/**
 * One document's part of a commit, inside the caller's transaction. Its first statement writes
 * the document's row, which locks it until the transaction ends: the sequence numbers of the
 * updates appended next are drawn under that lock, so within one document they grow in commit
 * order even when several relays append to it at once. Returns the last sequence number (0
 * without updates).
 */
export async function writeDocRows(
  tx: PostgresQueryable,
  w: DocWrite,
  now: number,
): Promise<number> {
  const { name, group } = w.key
  const updates = w.updates ?? []
  const m = w.meta
  if (m) {
    await tx.query(
      `INSERT INTO relay_doc (${META_COLUMNS}, update_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)
       ON CONFLICT (name, grp) DO UPDATE SET updated_at = excluded.updated_at,
         owner = CASE WHEN $11 THEN excluded.owner ELSE relay_doc.owner END,
         display_name = CASE WHEN $12 THEN excluded.display_name ELSE relay_doc.display_name END,
         salesforce_id = CASE WHEN $13 THEN excluded.salesforce_id ELSE relay_doc.salesforce_id END,
         update_count = relay_doc.update_count + excluded.update_count,
         state_vector = CASE WHEN $10 > 0 THEN $14::bytea ELSE relay_doc.state_vector END`,
      [
        name,
        group,
        m.sobject,
        m.key,
        m.engine,
        m.owner ?? null,
        m.displayName ?? null,
        m.salesforceId ?? null,
        now,
        updates.length,
        m.owner !== undefined,
        m.displayName !== undefined,
        m.salesforceId !== undefined,
        w.stateVector ?? null,
      ],
    )
  } else {
    const rows = await tx.query(
      `UPDATE relay_doc SET updated_at = $3, update_count = update_count + $4,
         state_vector = CASE WHEN $4 > 0 THEN $5::bytea ELSE state_vector END
         WHERE name = $1 AND grp = $2 RETURNING 1 AS found`,
      [name, group, now, updates.length, w.stateVector ?? null],
    )
    if (rows.length === 0) {
      throw new Error(`The first write of ${name} (${group}) must carry its metadata.`)
    }
  }
  let last = 0
  if (updates.length > 0) {
    const rows = await tx.query<{ seq: number }>(
      `INSERT INTO relay_doc_update (name, grp, data)
         SELECT $1, $2, u.data FROM unnest($3::bytea[]) WITH ORDINALITY AS u(data, i) ORDER BY u.i
       RETURNING seq`,
      [name, group, updates],
    )
    for (const r of rows) last = Math.max(last, r.seq)
  }
  if (w.pending === null) {
    await tx.query('DELETE FROM relay_pending WHERE name = $1 AND grp = $2', [name, group])
  } else if (w.pending !== undefined) {
    const p = w.pending
    await tx.query(
      `INSERT INTO relay_pending (name, grp, sobject, operation, first_change_at, depends_on, status, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (name, grp) DO UPDATE SET sobject = excluded.sobject, operation = excluded.operation,
         first_change_at = excluded.first_change_at, depends_on = excluded.depends_on,
         status = excluded.status, updated_at = excluded.updated_at`,
      [name, group, p.sobject, p.operation, p.firstChangeAt, p.dependsOn, p.status, now],
    )
  }
  if (w.users && w.users.length > 0) {
    await tx.query(
      `INSERT INTO relay_doc_user (name, grp, user_id) SELECT $1, $2, unnest($3::text[])
       ON CONFLICT DO NOTHING`,
      [name, group, w.users],
    )
  }
  return last
}

/** Documents with their state and later updates, read in one snapshot (the caller's). */
export async function loadDocRows(
  tx: PostgresQueryable,
  keys: readonly DocKey[],
): Promise<Map<string, StoredDoc>> {
  const out = new Map<string, StoredDoc>()
  if (keys.length === 0) return out
  const params = keyArrays(keys)
  const docs = await tx.query<DocRow & { state: Buffer | null; state_seq: number }>(
    `SELECT ${META_COLUMNS}, state, state_seq FROM relay_doc ${KEYS_JOIN}`,
    params,
  )
  for (const row of docs) {
    out.set(docKeyString({ name: row.name, group: row.grp }), {
      meta: toMeta(row),
      state: row.state ? bytes(row.state) : null,
      stateSeq: row.state_seq,
      updates: [],
    })
  }
  if (docs.length === 0) return out
  const updates = await tx.query<{ name: string; grp: string; seq: number; data: Buffer }>(
    `SELECT u.name, u.grp, u.seq, u.data FROM relay_doc d ${KEYS_JOIN}
       JOIN relay_doc_update u ON u.name = d.name AND u.grp = d.grp AND u.seq > d.state_seq
     ORDER BY u.seq`,
    params,
  )
  for (const u of updates) {
    out.get(docKeyString({ name: u.name, group: u.grp }))?.updates.push({
      seq: u.seq,
      data: bytes(u.data),
    })
  }
  return out
}

/** Metadata, stored state vector and whether `userId` holds them, of the documents among `keys`. */
export async function docDigestRows(
  db: PostgresQueryable,
  keys: readonly DocKey[],
  userId: string,
): Promise<Map<string, DocDigest>> {
  const out = new Map<string, DocDigest>()
  if (keys.length === 0) return out
  const rows = await db.query<DigestRow>(
    `SELECT ${META_COLUMNS}, state_vector, EXISTS (SELECT 1 FROM relay_doc_user u
       WHERE u.name = relay_doc.name AND u.grp = relay_doc.grp AND u.user_id = $3) AS held
     FROM relay_doc ${KEYS_JOIN}`,
    [...keyArrays(keys), userId],
  )
  for (const row of rows) out.set(docKeyString({ name: row.name, group: row.grp }), toDigest(row))
  return out
}

/** Metadata of the documents among `keys` that exist. */
export async function docMetaRows(
  db: PostgresQueryable,
  keys: readonly DocKey[],
): Promise<Map<string, DocMeta>> {
  const out = new Map<string, DocMeta>()
  if (keys.length === 0) return out
  const rows = await db.query<DocRow>(
    `SELECT ${META_COLUMNS} FROM relay_doc ${KEYS_JOIN}`,
    keyArrays(keys),
  )
  for (const row of rows) out.set(docKeyString({ name: row.name, group: row.grp }), toMeta(row))
  return out
}

/** A page of documents' metadata, ordered by (name, group). */
export async function listDocRows(
  db: PostgresQueryable,
  options: ListDocsOptions = {},
): Promise<DocMeta[]> {
  const where: string[] = []
  const params: unknown[] = []
  const equal = (column: string, value: string | undefined): void => {
    if (value === undefined) return
    params.push(value)
    where.push(`${column} = $${params.length}`)
  }
  equal('sobject', options.sobject)
  equal('name', options.name)
  if (options.names) {
    if (options.names.length === 0) return []
    params.push(options.names)
    where.push(`name = ANY($${params.length})`)
  }
  equal('grp', options.group)
  if (options.withSalesforceId) where.push('salesforce_id IS NOT NULL')
  if (options.after) {
    params.push(options.after.name, options.after.group)
    where.push(`(name, grp) > ($${params.length - 1}, $${params.length})`)
  }
  let limit = ''
  if (options.limit !== undefined) {
    params.push(Math.max(0, Math.floor(options.limit)))
    limit = ` LIMIT $${params.length}`
  }
  const sql =
    `SELECT ${META_COLUMNS} FROM relay_doc` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY name, grp${limit}`
  return (await db.query<DocRow>(sql, params)).map(toMeta)
}

/** The documents of a record (by Salesforce Id), optionally in one group. */
export async function findDocRowsBySalesforceId(
  db: PostgresQueryable,
  sobject: string,
  salesforceId: string,
  group?: string,
): Promise<DocMeta[]> {
  const rows =
    group === undefined
      ? await db.query<DocRow>(
          `SELECT ${META_COLUMNS} FROM relay_doc WHERE sobject = $1 AND salesforce_id = $2 ORDER BY name, grp`,
          [sobject, salesforceId],
        )
      : await db.query<DocRow>(
          `SELECT ${META_COLUMNS} FROM relay_doc WHERE sobject = $1 AND salesforce_id = $2 AND grp = $3 ORDER BY name`,
          [sobject, salesforceId, group],
        )
  return rows.map(toMeta)
}

/**
 * Replaces the updates through `throughSeq` with `state`, inside the caller's transaction. The
 * document's row is locked first, so a concurrent commit to it waits (its updates, numbered
 * after the lock, stay).
 */
export async function compactDocRows(
  tx: PostgresQueryable,
  key: DocKey,
  state: Uint8Array,
  throughSeq: number,
): Promise<void> {
  const rows = await tx.query<{ state_seq: number }>(
    'SELECT state_seq FROM relay_doc WHERE name = $1 AND grp = $2 FOR UPDATE',
    [key.name, key.group],
  )
  const row = rows[0]
  if (!row || row.state_seq > throughSeq) return
  await tx.query('DELETE FROM relay_doc_update WHERE name = $1 AND grp = $2 AND seq <= $3', [
    key.name,
    key.group,
    throughSeq,
  ])
  await tx.query(
    `UPDATE relay_doc SET state = $3, state_seq = $4, update_count =
       (SELECT COUNT(*) FROM relay_doc_update u WHERE u.name = $1 AND u.grp = $2)
     WHERE name = $1 AND grp = $2`,
    [key.name, key.group, state, throughSeq],
  )
}

/** Documents with something Salesforce lacks, oldest change first. */
export async function listPendingRows(
  db: PostgresQueryable,
  options: { limit?: number; sobject?: string } = {},
): Promise<PendingEntry[]> {
  const limit = Math.max(0, Math.floor(options.limit ?? 1000))
  const order = 'ORDER BY first_change_at IS NULL, first_change_at, name, grp'
  const rows =
    options.sobject === undefined
      ? await db.query<PendingRow<string[]>>(`SELECT * FROM relay_pending ${order} LIMIT $1`, [
          limit,
        ])
      : await db.query<PendingRow<string[]>>(
          `SELECT * FROM relay_pending WHERE sobject = $1 ${order} LIMIT $2`,
          [options.sobject, limit],
        )
  return rows.map((r) => toPending(r, r.depends_on))
}
