import type { FieldValue, HlcString, SalesforceId } from '@briefcase/record'
import type { ServerRow } from './composite-result.js'
import type { ProjectorContext } from './context.js'
import type { IntentWrite, OutboxEntry } from './ports.js'
import type { RecordQuery } from './record-query.js'
import { queryRecords, rowId, sameValue, serverInfoOf } from './server-records.js'

/** Draft keys and Ids per query. */
const KEYS_PER_QUERY = 200

function queriesFor(
  entry: OutboxEntry,
  draftKeyField: string,
  schemaFields: ReadonlyMap<string, readonly string[]>,
): RecordQuery[] {
  const bySobject = new Map<string, { ids: Set<string>; keys: Set<string>; fields: Set<string> }>()
  for (const w of entry.writes) {
    if (w.kind === 'delete') continue
    const q = bySobject.get(w.sobject) ?? { ids: new Set(), keys: new Set(), fields: new Set() }
    if (w.salesforceId) q.ids.add(w.salesforceId)
    if (w.draftKey && w.kind === 'upsert') q.keys.add(w.draftKey)
    for (const f of [...Object.keys(w.fields), ...(schemaFields.get(w.sobject) ?? [])]) {
      if (f !== draftKeyField) q.fields.add(f)
    }
    bySobject.set(w.sobject, q)
  }
  const out: RecordQuery[] = []
  for (const [sobject, q] of bySobject) {
    const all = [...[...q.ids].map((id) => ({ id })), ...[...q.keys].map((key) => ({ key }))]
    for (let i = 0; i < all.length; i += KEYS_PER_QUERY) {
      const part = all.slice(i, i + KEYS_PER_QUERY)
      out.push({
        sobject,
        fields: [...q.fields].sort(),
        ids: part.flatMap((p) => ('id' in p ? [p.id] : [])),
        draftKeys: part.flatMap((p) => ('key' in p ? [p.key] : [])),
        draftKeyField,
      })
    }
  }
  return out
}

function rowOf(rows: readonly ServerRow[], w: IntentWrite, field: string): ServerRow | undefined {
  return rows.find(
    (r) =>
      (w.salesforceId !== null && rowId(r) === w.salesforceId) ||
      (w.draftKey !== null && w.kind === 'upsert' && r[field] === w.draftKey),
  )
}

/**
 * Settles one call that may or may not have reached Salesforce (the relay crashed, or lost the
 * answer): reads its records back, and acknowledges in each document exactly the values
 * Salesforce holds as sent, at the stamps of the edits they came from, so that our own write is
 * never mistaken for a newer server change. New records found get their Id; those not found were
 * never created (their draft keys are forgotten). Whatever was not written is still pending and is
 * planned again from the documents. Returns false (entry kept) when it cannot be read now.
 */
export async function recoverEntry(ctx: ProjectorContext, entry: OutboxEntry): Promise<boolean> {
  const field = ctx.settings.draftKeyField
  // Read every field of the documents back (as the normal path's read-back does), not only those
  // sent: formula and workflow fields reach the documents too.
  const schemaFields = new Map<string, string[]>()
  for (const w of entry.writes) {
    if (w.kind === 'delete' || schemaFields.has(w.sobject)) continue
    const fields = await ctx.docs.withDocument(w.ref, (doc) => Object.keys(doc.schema.fields))
    if (fields) schemaFields.set(w.sobject, fields)
  }
  const queries = queriesFor(entry, field, schemaFields)
  let rows: ServerRow[] = []
  if (queries.length > 0) {
    const conn = await ctx.salesforce.connection(entry.author)
    if (!conn) return false
    try {
      ctx.metrics?.increment('briefcase_projection_api_calls_total', { kind: 'recovery' })
      rows = (await queryRecords(conn, ctx.settings.apiVersion, queries)).flat()
    } catch (error) {
      ctx.logger.warn(
        { outbox: entry.id, error: String(error) },
        'Could not reconcile a call in flight yet',
      )
      return false
    }
  }
  const created: Record<string, SalesforceId> = {}
  const missing: string[] = []
  for (const w of entry.writes) {
    if (w.kind !== 'upsert' || !w.draftKey) continue
    const id = rowOf(rows, w, field)
    const sfId = id ? rowId(id) : undefined
    if (sfId) created[w.draftKey] = sfId as SalesforceId
    else missing.push(w.draftKey)
  }
  for (const w of entry.writes) {
    if (w.kind === 'delete') continue
    const row = rowOf(rows, w, field)
    const info = row && serverInfoOf(row)
    if (!row || !info) continue
    await ctx.docs.withDocument(w.ref, (doc) => {
      const resolutions: Record<string, SalesforceId> = {}
      const acked: Record<string, { value: FieldValue; stamp: HlcString }> = {}
      for (const [name, sent] of Object.entries(w.fields)) {
        const draft = w.refs[name]
        const expected = draft === undefined ? sent.value : created[draft]
        if (expected === undefined) continue
        if (!sameValue(doc.schema.fields[name], row[name], expected)) continue
        if (draft !== undefined) resolutions[draft] = expected as SalesforceId
        acked[name] = { value: expected, stamp: sent.stamp as HlcString }
      }
      if (Object.keys(resolutions).length > 0) doc.resolveDraftKeys(resolutions)
      doc.acknowledgeWrite({ fields: acked, info })
      doc.applyServerRecord(row, info)
    })
  }
  if (Object.keys(created).length > 0) await ctx.store.resolveDrafts(created)
  if (missing.length > 0) await ctx.store.forgetDrafts(missing)
  await ctx.store.settleIntent(entry.id)
  await ctx.stage('recovered', { outbox: entry.id })
  ctx.logger.info(
    { outbox: entry.id, created: Object.keys(created).length, missing: missing.length },
    'Reconciled a call that was in flight',
  )
  return true
}
