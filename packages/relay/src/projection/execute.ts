import type { RefusedWrite, SalesforceId } from '@briefcase/record'
import type { AcknowledgedWrite } from './acknowledge.js'
import type { Verified } from './check.js'
import { acknowledgeInDocument, findRow } from './acknowledge.js'
import { serverInfoOf } from './server-records.js'
import type { CallOutcome, WriteOutcome } from './composite-result.js'
import { readComposite } from './composite-result.js'
import type { ProjectorContext } from './context.js'
import { reportStatus, status } from './context.js'
import { refKey } from './doc-ref.js'
import { pendingFingerprint } from './fingerprint.js'
import type { PlanRecord, PlannedCall, PlannedWrite } from './plan-types.js'
import type { IntentWrite, SalesforceConnection } from './ports.js'
import type { RetryBook } from './retry-book.js'
import type { CallFailure } from './salesforce-errors.js'
import type { SalesforceError } from './salesforce-errors.js'
import { classifyCallError, statusMessage } from './salesforce-errors.js'
import { isNoAccessCode } from '../salesforce/salesforce-errors.js'

/** What a call did. */
export interface CallResult {
  /** Set when the call itself failed (no per-record outcome). */
  failure?: CallFailure
  outcome?: CallOutcome
  /** Records acknowledged, refused, retried, halted, found changed in Salesforce (412). */
  counts: { written: number; refused: number; retried: number; halted: number; conflicts: number }
  /** Records answered 412 whose current values no read-back brought: check them apart. */
  unmerged: string[]
  /** Records Salesforce acknowledged (deletes included). */
  written: WrittenRecord[]
}

/** A record written by a call. */
export interface WrittenRecord {
  ref: { name: string; group: string }
  sobject: string
  salesforceId: string | null
  /** What was written (absent for a delete). */
  written?: AcknowledgedWrite
  /** For a delete: when Salesforce accepted it, and by whom. */
  deleted?: { by: string; at: string }
}

/** The outbox form of a planned write. */
export function intentOf(w: PlannedWrite): IntentWrite {
  return {
    ref: w.ref,
    sobject: w.sobject,
    kind: w.kind,
    salesforceId: w.salesforceId,
    draftKey: w.draftKey,
    fields: w.fields,
    refs: w.refs,
  }
}

function compositeBody(call: PlannedCall): string {
  const compositeRequest = call.subrequests.map((s) => {
    const sub: Record<string, unknown> = {
      method: s.method,
      url: s.url,
      referenceId: s.referenceId,
    }
    if (s.body !== undefined) sub.body = s.body
    if (s.headers !== undefined) sub.httpHeaders = s.headers
    return sub
  })
  return JSON.stringify({ allOrNone: false, collateSubrequests: false, compositeRequest })
}

/** The state of a wave the executor reads: each record as planned. */
export interface WaveRecords {
  records: ReadonlyMap<string, PlanRecord>
  retries: RetryBook
  /** Records with refused fields: their status stays the refusal, not ok. */
  refused: ReadonlySet<string>
  /** SystemModstamp checks of this run (a write makes its record's stale). */
  verified: Verified
  /** SystemModstamps the read-backs of this run's writes brought. */
  readBack: Verified
}

/** One log line per record Salesforce refused: object, Id or draft key, code, fields. */
export function logRefusal(
  ctx: ProjectorContext,
  w: Pick<PlannedWrite, 'sobject' | 'salesforceId' | 'draftKey' | 'author'>,
  error: SalesforceError,
): void {
  ctx.logger.warn(
    {
      object: w.sobject,
      id: w.salesforceId,
      draftKey: w.draftKey,
      user: w.author,
      code: error.code,
      fields: error.fields,
      message: error.message,
    },
    'Salesforce refused a record',
  )
}

async function applyOne(
  ctx: ProjectorContext,
  w: PlannedWrite,
  o: WriteOutcome,
  outcome: CallOutcome,
  parentIds: ReadonlyMap<string, SalesforceId>,
  wave: WaveRecords,
): Promise<AcknowledgedWrite | undefined> {
  const key = refKey(w.ref)
  const at = ctx.now()
  if (o.kind === 'ok') {
    wave.retries.clear(key)
    wave.verified.delete(key)
    const id = o.id ?? w.salesforceId
    return ctx.docs.withDocument(w.ref, (doc) => {
      let written: AcknowledgedWrite | undefined
      if (w.kind === 'delete') doc.acknowledgeDelete()
      else if (id) {
        const rows = outcome.rows.get(w.sobject)
        const row = findRow(rows, id, w.draftKey, ctx.settings.draftKeyField)
        written = acknowledgeInDocument(doc, w, { id, parentIds, row, at })
        // A later wave's write to it can carry its check against this SystemModstamp.
        const info = row && serverInfoOf(row)
        if (info) wave.readBack.set(key, { systemModstamp: info.systemModstamp, at })
      }
      if (!wave.refused.has(key)) reportStatus(doc, status('ok', at))
      return written
    })
  }
  if (o.kind === 'halted') return undefined
  if (o.kind === 'conflict') {
    // Changed in Salesforce since the shadow: nothing was written. The read-back in the same call
    // holds the record as Salesforce has it: merged now, the record is planned again.
    const row = findRow(outcome.rows.get(w.sobject), w.salesforceId, null, '')
    const info = row && serverInfoOf(row)
    if (!row || !info) return undefined
    await ctx.docs.withDocument(w.ref, (doc) => doc.applyServerRecord(row, info))
    wave.verified.delete(key)
    return undefined
  }
  if (o.kind === 'retry') {
    const attempt = wave.retries.fail(key, at)
    const { code } = o.error
    const message = statusMessage(o.error)
    await ctx.docs.withDocument(w.ref, (doc) =>
      reportStatus(doc, status('retrying', at, { code, message, attempt })),
    )
    return undefined
  }
  wave.retries.clear(key)
  const { code, message, fields } = o.error
  if (o.kind === 'gone') {
    await ctx.docs.withDocument(w.ref, (doc) => {
      doc.applyServerDelete('', new Date(at).toISOString())
      reportStatus(doc, status('error', at, { code, message: 'Deleted in Salesforce.' }))
    })
    return undefined
  }
  logRefusal(ctx, w, o.error)
  if (w.kind !== 'upsert' && isNoAccessCode(code)) {
    // Salesforce refused for lack of access: the record returns to Salesforce's state (nothing
    // stays pending to block other users' later edits) and the author's device is told why.
    await ctx.docs.withDocument(w.ref, (doc) => {
      doc.rollBack(refusedWrite(w))
      const undone = `Salesforce refused this change (${message}); it was undone.`
      reportStatus(doc, status('error', at, { code, message: undone, fields }))
    })
    return undefined
  }
  const record = wave.records.get(key)
  if (record) await ctx.store.putBlock(w.ref, pendingFingerprint(record.pending))
  await ctx.docs.withDocument(w.ref, (doc) =>
    reportStatus(doc, status('error', at, { code, message, fields })),
  )
  return undefined
}

/** The fields and stamps a write sent, or its delete, as the record model rolls it back. */
function refusedWrite(w: PlannedWrite): RefusedWrite {
  const fields = Object.fromEntries(Object.entries(w.fields).map(([f, sent]) => [f, sent.stamp]))
  return { fields, delete: w.kind === 'delete' }
}

/**
 * Sends one planned call under its author's session with a durable outbox entry around it:
 * the intent is recorded before the request; after the answer, each record's outcome goes into
 * its document (acknowledgement with the Id and read-back, error status and block, or retry),
 * the Ids of new records into the store, and only then is the entry settled. A failure that may
 * have reached Salesforce (no answer, 5xx) leaves the entry in flight for reconciliation.
 */
export async function executeCall(
  ctx: ProjectorContext,
  call: PlannedCall,
  conn: SalesforceConnection,
  wave: WaveRecords,
): Promise<CallResult> {
  const counts = { written: 0, refused: 0, retried: 0, halted: 0, conflicts: 0 }
  const written: WrittenRecord[] = []
  const unmerged: string[] = []
  const creates = call.writes.flatMap((w) =>
    w.kind === 'upsert' && w.draftKey ? [w.draftKey] : [],
  )
  const id = await ctx.store.recordIntent(call.author, call.writes.map(intentOf), ctx.now())
  await ctx.stage('intent-recorded', {
    outbox: id,
    author: call.author,
    writes: call.writes.length,
  })
  let response: unknown
  try {
    ctx.metrics?.increment('briefcase_projection_api_calls_total', { kind: 'write' })
    response = await conn.request({
      method: 'POST',
      url: '/composite',
      body: compositeBody(call),
      headers: { 'content-type': 'application/json' },
      purpose: 'write',
      records: call.writes.length,
    })
  } catch (error) {
    const failure = classifyCallError(error)
    if (!failure.ambiguous) {
      await ctx.store.forgetDrafts(creates)
      await ctx.store.settleIntent(id)
    }
    return { failure, counts, written, unmerged }
  }
  await ctx.stage('response-received', { outbox: id })
  const outcome = readComposite(call, response)
  const parentIds = new Map<string, SalesforceId>()
  call.writes.forEach((w, i) => {
    const o = outcome.writes[i]
    if (w.kind === 'upsert' && w.draftKey && o?.kind === 'ok' && o.id)
      parentIds.set(w.draftKey, o.id)
  })
  const refusedCreates: string[] = []
  // Documents are independent: their acknowledgements go together (one group commit).
  const acks = await Promise.all(
    call.writes.map((w, i) =>
      applyOne(ctx, w, outcome.writes[i] as WriteOutcome, outcome, parentIds, wave),
    ),
  )
  for (const [i, w] of call.writes.entries()) {
    const o = outcome.writes[i] as WriteOutcome
    if (o.kind === 'ok') {
      counts.written += 1
      const salesforceId = o.id ?? w.salesforceId
      const ack = acks[i]
      written.push({
        ref: w.ref,
        sobject: w.sobject,
        salesforceId,
        ...(ack ? { written: ack } : {}),
        ...(w.kind === 'delete'
          ? { deleted: { by: call.author, at: new Date(ctx.now()).toISOString() } }
          : {}),
      })
    } else if (o.kind === 'retry') counts.retried += 1
    else if (o.kind === 'halted') counts.halted += 1
    else if (o.kind === 'conflict') {
      counts.conflicts += 1
      if (!findRow(outcome.rows.get(w.sobject), w.salesforceId, null, ''))
        unmerged.push(refKey(w.ref))
    } else counts.refused += 1
    // A create answered with anything but success was not made: its draft key is unused.
    if (o.kind !== 'ok' && w.kind === 'upsert' && w.draftKey) refusedCreates.push(w.draftKey)
    ctx.metrics?.increment('briefcase_projection_records_total', { outcome: o.kind })
  }
  await ctx.stage('acks-applied', { outbox: id })
  if (parentIds.size > 0) await ctx.store.resolveDrafts(Object.fromEntries(parentIds))
  if (refusedCreates.length > 0) await ctx.store.forgetDrafts(refusedCreates)
  await ctx.store.settleIntent(id)
  await ctx.stage('settled', { outbox: id })
  for (const f of outcome.failures) {
    ctx.logger.warn({ author: call.author, ...f }, 'A Composite subrequest failed')
  }
  return { outcome, counts, written, unmerged }
}
