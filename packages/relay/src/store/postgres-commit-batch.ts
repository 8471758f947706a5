import type { PostgresQueryable } from './postgres-database.js'
import type { DocMetaInput, DocWrite, PendingInput } from './relay-store.js'
import { docKeyString } from './relay-store.js'

/** What a commit does to one document, its writes merged (later ones win). */
interface DocPlan {
  name: string
  grp: string
  meta: DocMetaInput | undefined
  updates: number
  pending: PendingInput | null | undefined
  /** The state vector after the last write that appends updates (`null`: not known). */
  stateVector: Uint8Array | null
}

function plan(writes: readonly DocWrite[]): DocPlan[] {
  const plans = new Map<string, DocPlan>()
  for (const w of writes) {
    const k = docKeyString(w.key)
    let p = plans.get(k)
    if (!p) {
      p = {
        name: w.key.name,
        grp: w.key.group,
        meta: undefined,
        updates: 0,
        pending: undefined,
        stateVector: null,
      }
      plans.set(k, p)
    }
    if (w.meta) p.meta = { ...p.meta, ...w.meta }
    p.updates += w.updates?.length ?? 0
    if ((w.updates?.length ?? 0) > 0) p.stateVector = w.stateVector ?? null
    if (w.pending !== undefined) p.pending = w.pending
  }
  // One lock order for every commit (by key, as bytes), so that two commits never deadlock.
  return [...plans.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.grp < b.grp ? -1 : a.grp > b.grp ? 1 : 0,
  )
}

/**
 * Several documents' writes in a fixed number of statements, whatever their number (a bulk sync
 * commits hundreds): create the missing rows, lock every row in key order, update them, insert
 * every update in one statement, then the pending rows and users. The updates' sequence numbers
 * are drawn after the locks, so each document's grow in commit order across relays. Returns
 * each write's last sequence number (0 without updates).
 */
export async function writeDocBatch(
  tx: PostgresQueryable,
  writes: readonly DocWrite[],
  now: number,
): Promise<number[]> {
  const docs = plan(writes)
  const created = docs.filter((d) => d.meta)
  if (created.length > 0) {
    await tx.query(
      `INSERT INTO relay_doc (name, grp, sobject, rkey, engine, created_at, updated_at)
         SELECT name, grp, sobject, rkey, engine, $6, $6
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
             AS u(name, grp, sobject, rkey, engine)
       ON CONFLICT (name, grp) DO NOTHING`,
      [
        created.map((d) => d.name),
        created.map((d) => d.grp),
        created.map((d) => d.meta?.sobject),
        created.map((d) => d.meta?.key),
        created.map((d) => d.meta?.engine),
        now,
      ],
    )
  }
  const locked = await tx.query<{ name: string; grp: string }>(
    `SELECT d.name, d.grp FROM relay_doc d
       JOIN unnest($1::text[], $2::text[]) AS k(name, grp) ON d.name = k.name AND d.grp = k.grp
     ORDER BY d.name, d.grp FOR UPDATE OF d`,
    [docs.map((d) => d.name), docs.map((d) => d.grp)],
  )
  if (locked.length < docs.length) {
    const found = new Set(locked.map((r) => docKeyString({ name: r.name, group: r.grp })))
    const missing = docs.find((d) => !found.has(docKeyString({ name: d.name, group: d.grp })))
    throw new Error(
      `The first write of ${missing?.name} (${missing?.grp}) must carry its metadata.`,
    )
  }
  const given = (f: 'owner' | 'displayName' | 'salesforceId') => [
    docs.map((d) => d.meta?.[f] !== undefined),
    docs.map((d) => d.meta?.[f] ?? null),
  ]
  await tx.query(
    `UPDATE relay_doc d SET updated_at = $1, update_count = d.update_count + u.n,
       owner = CASE WHEN u.set_owner THEN u.owner ELSE d.owner END,
       display_name = CASE WHEN u.set_dn THEN u.dn ELSE d.display_name END,
       salesforce_id = CASE WHEN u.set_sf THEN u.sf ELSE d.salesforce_id END,
       state_vector = CASE WHEN u.n > 0 THEN u.sv ELSE d.state_vector END
     FROM unnest($2::text[], $3::text[], $4::int[], $5::bool[], $6::text[], $7::bool[],
                 $8::text[], $9::bool[], $10::text[], $11::bytea[])
       AS u(name, grp, n, set_owner, owner, set_dn, dn, set_sf, sf, sv)
     WHERE d.name = u.name AND d.grp = u.grp`,
    [
      now,
      docs.map((d) => d.name),
      docs.map((d) => d.grp),
      docs.map((d) => d.updates),
      ...given('owner'),
      ...given('displayName'),
      ...given('salesforceId'),
      docs.map((d) => d.stateVector),
    ],
  )
  const seqs = await insertUpdates(tx, writes)
  await writePending(tx, docs, now)
  const users = writes.flatMap((w) => (w.users ?? []).map((u) => [w.key.name, w.key.group, u]))
  if (users.length > 0) {
    await tx.query(
      `INSERT INTO relay_doc_user (name, grp, user_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT DO NOTHING`,
      [users.map((u) => u[0]), users.map((u) => u[1]), users.map((u) => u[2])],
    )
  }
  return seqs
}

/** Every write's updates in one insert, in order; each write's last sequence number. */
async function insertUpdates(
  tx: PostgresQueryable,
  writes: readonly DocWrite[],
): Promise<number[]> {
  const rows = writes.flatMap((w, i) =>
    (w.updates ?? []).map((data) => ({ w: i, key: w.key, data })),
  )
  const out = new Array<number>(writes.length).fill(0)
  if (rows.length === 0) return out
  const inserted = await tx.query<{ seq: number }>(
    `INSERT INTO relay_doc_update (name, grp, data)
       SELECT name, grp, data FROM unnest($1::text[], $2::text[], $3::bytea[])
         WITH ORDINALITY AS u(name, grp, data, i) ORDER BY i
     RETURNING seq`,
    [rows.map((r) => r.key.name), rows.map((r) => r.key.group), rows.map((r) => r.data)],
  )
  // Identity values grow in insertion order within the statement: the k-th smallest is row k's.
  const seqs = inserted.map((r) => r.seq).sort((a, b) => a - b)
  rows.forEach((r, k) => (out[r.w] = Math.max(out[r.w] as number, seqs[k] as number)))
  return out
}

async function writePending(tx: PostgresQueryable, docs: DocPlan[], now: number): Promise<void> {
  const cleared = docs.filter((d) => d.pending === null)
  if (cleared.length > 0) {
    await tx.query(
      `DELETE FROM relay_pending p USING unnest($1::text[], $2::text[]) AS k(name, grp)
         WHERE p.name = k.name AND p.grp = k.grp`,
      [cleared.map((d) => d.name), cleared.map((d) => d.grp)],
    )
  }
  const set = docs.flatMap((d) => (d.pending ? [{ d, p: d.pending }] : []))
  if (set.length === 0) return
  await tx.query(
    `INSERT INTO relay_pending (name, grp, sobject, operation, first_change_at, depends_on, status, updated_at)
       SELECT name, grp, sobject, operation, first_change_at,
              ARRAY(SELECT jsonb_array_elements_text(deps)), status, $8
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[])
           AS u(name, grp, sobject, operation, first_change_at, deps, status)
     ON CONFLICT (name, grp) DO UPDATE SET sobject = excluded.sobject, operation = excluded.operation,
       first_change_at = excluded.first_change_at, depends_on = excluded.depends_on,
       status = excluded.status, updated_at = excluded.updated_at`,
    [
      set.map((s) => s.d.name),
      set.map((s) => s.d.grp),
      set.map((s) => s.p.sobject),
      set.map((s) => s.p.operation),
      set.map((s) => s.p.firstChangeAt),
      set.map((s) => JSON.stringify(s.p.dependsOn)),
      set.map((s) => s.p.status),
      now,
    ],
  )
}
