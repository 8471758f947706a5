import type {
  FieldValue,
  HlcString,
  RecordDocument,
  SalesforceId,
  ServerInfo,
} from '@briefcase/record'
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

type Acked = Record<string, { value: FieldValue; stamp: HlcString }>

/** The fields of a write that Salesforce holds as sent (draft references as the Ids created). */
function heldAsSent(
  doc: RecordDocument,
  w: IntentWrite,
  row: ServerRow,
  created: Readonly<Record<string, SalesforceId>>,
): Acked {
  const acked: Acked = {}
  for (const [name, sent] of Object.entries(w.fields)) {
    const draft = w.refs[name]
    const expected = draft === undefined ? sent.value : created[draft]
    if (expected === undefined) continue
    if (!sameValue(doc.schema.fields[name], row[name], expected)) continue
    acked[name] = { value: expected, stamp: sent.stamp as HlcString }
  }
  return acked
}

/**
 * Settles one call that may or may not have reached Salesforce (the relay crashed, or lost the
 * answer): reads its records back, and acknowledges in each document exactly the values
 * Salesforce holds as sent, at the stamps of the edits they came from, so that our own write is
 * never mistaken for a newer server change. New records found get their Id; those not found were
 * never created (their draft keys are forgotten). Whatever was not written is still pending and is
 * planned again from the documents, once the call is older than `inFlightSettleMs` (it may still
 * land until then). Returns false (entry kept) when it cannot be read or concluded now.
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
      rows = (await queryRecords(conn, ctx.settings.apiVersion, queries, 'recover')).flat()
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
  // What Salesforce holds as sent, per write (none for a record it does not have).
  const found: { w: IntentWrite; row: ServerRow; info: ServerInfo; acked: Acked }[] = []
  let whole = true
  for (const w of entry.writes) {
    if (w.kind === 'delete') continue
    const row = rowOf(rows, w, field)
    const info = row && serverInfoOf(row)
    const acked =
      row && info && (await ctx.docs.withDocument(w.ref, (doc) => heldAsSent(doc, w, row, created)))
    if (!row || !info || !acked) {
      whole = false
      continue
    }
    if (Object.keys(acked).length < Object.keys(w.fields).length) whole = false
    found.push({ w, row, info, acked })
  }
  // A call may still land after this read (a request the relay sent just before it crashed): until
  // the call is older than `inFlightSettleMs`, only a call found whole is settled, so that our own
  // write landing late is never mistaken for a server change.
  if (!whole && ctx.now() - entry.createdAt < ctx.settings.inFlightSettleMs) return false
  for (const { w, row, info, acked } of found) {
    await ctx.docs.withDocument(w.ref, (doc) => {
      const resolutions: Record<string, SalesforceId> = {}
      for (const [name, draft] of Object.entries(w.refs)) {
        const ack = acked[name]
        if (ack) resolutions[draft] = ack.value as SalesforceId
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
