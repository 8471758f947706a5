import type { ProjectorContext } from './context.js'
import { refKey } from './doc-ref.js'
import type { PlanRecord, PlannedCall } from './plan-types.js'
import type { SalesforceConnection } from './ports.js'
import type { RecordQuery } from './record-query.js'
import { queryRecords, rowDiffers, rowId, sameInstant, serverInfoOf } from './server-records.js'

/** Ids per check query (the SOQL stays well under URL limits). */
const IDS_PER_QUERY = 200

/**
 * When each record's SystemModstamp was last confirmed, so a call planned again right after a
 * merge skips the check. A write to the record forgets it.
 */
export type Verified = Map<string, { systemModstamp: string; at: number }>

/** Whether a record's SystemModstamp was confirmed less than `checkFreshMs` ago, as planned. */
export function isFresh(ctx: ProjectorContext, verified: Verified, r: PlanRecord): boolean {
  const v = verified.get(refKey(r.ref))
  return (
    v !== undefined &&
    ctx.now() - v.at < ctx.settings.checkFreshMs &&
    sameInstant(v.systemModstamp, r.systemModstamp)
  )
}

/**
 * The records (by `group|name`) whose SystemModstamp one of `reads` (checks, read-backs of writes)
 * confirmed moments ago: their updates may carry the check in the write (`PlanInput.confirmed`).
 */
export function confirmedRecords(
  ctx: ProjectorContext,
  records: readonly PlanRecord[],
  ...reads: Verified[]
): Set<string> {
  const confirmed = records.filter((r) => reads.some((read) => isFresh(ctx, read, r)))
  return new Set(confirmed.map((r) => refKey(r.ref)))
}

/**
 * The SystemModstamp check before a call: reads the records it updates (one Composite of up to
 * five queries per call, under the author's session) and merges every record changed in
 * Salesforce since its shadow into its document first. Returns how many were merged: when any
 * were, the call must be planned again from the merged state.
 */
export async function checkBeforeCall(
  ctx: ProjectorContext,
  call: PlannedCall,
  conn: SalesforceConnection,
  records: ReadonlyMap<string, PlanRecord>,
  verified: Verified,
): Promise<number> {
  const byId = new Map<string, PlanRecord>()
  for (const w of call.writes) {
    const r = records.get(refKey(w.ref))
    if (w.kind === 'update' && w.salesforceId && r) byId.set(w.salesforceId, r)
  }
  const queries: RecordQuery[] = []
  for (const target of call.check) {
    const ids = target.ids.filter((id) => {
      const r = byId.get(id)
      return r !== undefined && !isFresh(ctx, verified, r)
    })
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      queries.push({
        sobject: target.sobject,
        fields: target.fields,
        ids: ids.slice(i, i + IDS_PER_QUERY),
      })
    }
  }
  if (queries.length === 0) return 0
  ctx.metrics?.increment(
    'briefcase_projection_api_calls_total',
    { kind: 'check' },
    Math.ceil(queries.length / 5),
  )
  const results = await queryRecords(conn, ctx.settings.apiVersion, queries, 'check')
  await ctx.stage('check-read', { author: call.author, queries: queries.length })
  let merged = 0
  const at = ctx.now()
  for (const row of results.flat()) {
    const id = rowId(row)
    const record = id ? byId.get(id) : undefined
    const info = serverInfoOf(row)
    if (!record || !info) continue
    verified.set(refKey(record.ref), { systemModstamp: info.systemModstamp, at })
    // SystemModstamp has a resolution of a second: a change within the second of the shadow's
    // stamp shows only in the values, so those are compared too.
    const changed = await ctx.docs.withDocument(record.ref, (doc) => {
      if (sameInstant(info.systemModstamp, record.systemModstamp) && !rowDiffers(doc, row))
        return false
      return Object.keys(doc.applyServerRecord(row, info)).length > 0
    })
    if (changed) merged += 1
  }
  if (merged > 0)
    ctx.logger.info(
      { author: call.author, merged },
      'Merged records changed in Salesforce before writing',
    )
  return merged
}
