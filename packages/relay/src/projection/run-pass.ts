import type { SalesforceId } from '@briefcase/record'
import type { Verified } from './check.js'
import { checkBeforeCall, confirmedRecords } from './check.js'
import type { ProjectorContext } from './context.js'
import { reportStatus, status } from './context.js'
import { refKey } from './doc-ref.js'
import type { WrittenRecord } from './execute.js'
import { executeCall, logRefusal } from './execute.js'
import { pendingFingerprint } from './fingerprint.js'
import { loadRecords } from './load-records.js'
import type { PlanRecord, PlannedCall } from './plan-types.js'
import { planWave } from './plan.js'
import type { ObjectPermissions } from './ports.js'
import { recoverEntry } from './recovery.js'
import type { RetryBook } from './retry-book.js'
import type { CallFailure } from './salesforce-errors.js'
import { classifyCallError, statusMessage } from './salesforce-errors.js'
import { reportHeld, reportRefusals } from './wave-status.js'
import { heldBySchedule } from './coalesce.js'
import type { WriteSchedule } from './write-schedule.js'

/** What one run of the projector did. */
export interface ProjectionReport {
  /** Planning rounds (a record edited by two users needs two). */
  waves: number
  /** Write calls sent (Composite requests). */
  calls: number
  /** Records acknowledged by Salesforce. */
  written: number
  /** Records Salesforce refused (blocked until they change). */
  refused: number
  /** Record retries scheduled after transient failures. */
  retried: number
  /** Calls in flight reconciled after a crash or a lost answer. */
  recovered: number
  /** Records merged with a newer server version before writing. */
  merged: number
  /** Records still waiting for a retry when the run ended. */
  waiting: number
  /** The records written. */
  records: WrittenRecord[]
}

/** What a pass needs beyond the context. */
export interface PassState {
  retries: RetryBook
  sleep: (ms: number) => Promise<void>
  stopped: () => boolean
  maxWaves: number
  /** Longest wait for a retry inside one run (ms); later retries wait for the next run. */
  maxRetryWaitMs: number
  /** When live-edited records are due (coalescing); without it every record is due at once. */
  schedule?: WriteSchedule
}

function emptyReport(): ProjectionReport {
  return {
    waves: 0,
    calls: 0,
    written: 0,
    refused: 0,
    retried: 0,
    recovered: 0,
    merged: 0,
    waiting: 0,
    records: [],
  }
}

function parseKey(key: string): { name: string; group: string } {
  const bar = key.lastIndexOf('|')
  return { group: key.slice(0, bar), name: key.slice(bar + 1) }
}

async function currentBlocks(
  ctx: ProjectorContext,
  byKey: ReadonlyMap<string, PlanRecord>,
): Promise<Set<string>> {
  const blocked = new Set<string>()
  for (const [key, fingerprint] of await ctx.store.blocks()) {
    const r = byKey.get(key)
    if (r && pendingFingerprint(r.pending) === fingerprint) blocked.add(key)
    else await ctx.store.clearBlock(r?.ref ?? parseKey(key))
  }
  return blocked
}

async function loadPermissions(
  ctx: ProjectorContext,
  records: readonly PlanRecord[],
): Promise<(user: string, sobject: string) => ObjectPermissions | undefined> {
  const lookup = ctx.salesforce.permissions?.bind(ctx.salesforce)
  if (!lookup) return () => undefined
  const cache = new Map<string, ObjectPermissions | undefined>()
  for (const r of records) {
    const users = new Set(r.pending.fields.map((f) => f.author.user))
    if (r.creator) users.add(r.creator)
    for (const user of users) {
      const key = `${user}|${r.sobject}`
      if (user === '' || cache.has(key)) continue
      try {
        cache.set(key, await lookup(user, r.sobject))
      } catch (error) {
        ctx.logger.warn({ user, sobject: r.sobject, error: String(error) }, 'No field permissions')
        cache.set(key, undefined)
      }
    }
  }
  return (user, sobject) => cache.get(`${user}|${sobject}`)
}

async function draftIds(
  ctx: ProjectorContext,
  records: readonly PlanRecord[],
): Promise<Map<string, SalesforceId | null>> {
  const keys = records.flatMap((r) => [...r.pending.dependsOn, ...(r.draftKey ? [r.draftKey] : [])])
  const out = new Map<string, SalesforceId | null>()
  for (const [key, entry] of await ctx.store.drafts(keys)) {
    out.set(key, entry.salesforceId as SalesforceId | null)
  }
  return out
}

async function failCall(
  ctx: ProjectorContext,
  call: PlannedCall,
  failure: CallFailure,
  state: PassState,
  records: ReadonlyMap<string, PlanRecord>,
  report: ProjectionReport,
): Promise<void> {
  const at = ctx.now()
  const { code } = failure.error
  const message = statusMessage(failure.error)
  for (const w of call.writes) {
    const key = refKey(w.ref)
    if (failure.kind === 'retry') {
      const attempt = state.retries.fail(key, at)
      if (failure.orgWide) state.retries.pause(at, attempt)
      report.retried += 1
      await ctx.docs.withDocument(w.ref, (doc) =>
        reportStatus(doc, status('retrying', at, { code, message, attempt })),
      )
    } else {
      logRefusal(ctx, w, failure.error)
      const r = records.get(key)
      if (r) await ctx.store.putBlock(w.ref, pendingFingerprint(r.pending))
      report.refused += 1
      await ctx.docs.withDocument(w.ref, (doc) =>
        reportStatus(doc, status('error', at, { code, message })),
      )
    }
  }
  ctx.logger.warn(
    { author: call.author, code, message, ambiguous: failure.ambiguous },
    'A write call failed',
  )
}

/**
 * Reconciles the calls left in flight; returns the records still unreconciled, and when the
 * youngest kept call may be concluded.
 */
async function recover(
  ctx: ProjectorContext,
  report: ProjectionReport,
): Promise<{ unsettled: Set<string>; concludeAt: number | undefined }> {
  const unsettled = new Set<string>()
  let concludeAt: number | undefined
  for (const entry of await ctx.store.unsettledIntents()) {
    if (await recoverEntry(ctx, entry)) {
      report.recovered += 1
      continue
    }
    for (const w of entry.writes) unsettled.add(refKey(w.ref))
    const at = entry.createdAt + ctx.settings.inFlightSettleMs
    if (at > ctx.now()) concludeAt = Math.min(concludeAt ?? at, at)
  }
  return { unsettled, concludeAt }
}

/**
 * One run of the projector: reconcile calls left in flight, then wave after wave plan from the
 * documents, check SystemModstamps, send, and apply the outcomes, until nothing more can go now.
 * Retries due within `maxRetryWaitMs` are waited for (in order); later ones end the run.
 */
export async function runPass(ctx: ProjectorContext, state: PassState): Promise<ProjectionReport> {
  const report = emptyReport()
  const verified: Verified = new Map()
  const readBack: Verified = new Map()
  const parked = new Set<string>()
  const unconditional = new Set<string>()
  for (let round = 0; round < state.maxWaves && !state.stopped(); round++) {
    const { unsettled: unreconciled, concludeAt } = await recover(ctx, report)
    const pause = state.retries.pausedUntil() - ctx.now()
    if (pause > 0) {
      if (pause > state.maxRetryWaitMs) break
      await state.sleep(pause)
    }
    const readAt = ctx.now()
    const pending = await loadRecords(ctx)
    if (pending.length === 0) break
    const byKey = new Map(pending.map((r) => [refKey(r.ref), r]))
    const blocked = await currentBlocks(ctx, byKey)
    const waiting = new Set([...state.retries.waiting(ctx.now()), ...parked, ...unreconciled])
    if (state.schedule) {
      const skip = new Set([...blocked, ...waiting])
      for (const key of heldBySchedule(state.schedule, pending, skip, readAt)) waiting.add(key)
    }
    const wave = planWave({
      records: pending,
      blocked,
      waiting,
      drafts: await draftIds(ctx, pending),
      permissions: await loadPermissions(ctx, pending),
      unconditional,
      confirmed: confirmedRecords(ctx, pending, verified, readBack),
      options: {
        apiVersion: ctx.settings.apiVersion,
        draftKeyField: ctx.settings.draftKeyField,
        maxConditionalRows: ctx.settings.maxConditionalRows,
        capture: ctx.settings.capture,
      },
    })
    report.waves += 1
    await reportHeld(ctx, wave)
    const refused = new Set(wave.refusals.map((r) => refKey(r.ref)))
    let progress = wave.localDeletes.length > 0
    for (const call of wave.calls) {
      if (state.stopped()) break
      // A lease lapsed meanwhile (the relay stalled): another relay may be writing these now.
      if (ctx.docs.held && !call.writes.every((w) => ctx.docs.held?.(w.ref) !== false)) continue
      const conn = await ctx.salesforce.connection(call.author)
      if (!conn) {
        const error = {
          code: 'BRIEFCASE_NO_SESSION',
          message: 'No Salesforce session for the author.',
          fields: [],
        }
        await failCall(
          ctx,
          call,
          { kind: 'retry', ambiguous: false, orgWide: false, error },
          state,
          byKey,
          report,
        )
        continue
      }
      try {
        const merged = await checkBeforeCall(ctx, call, conn, byKey, verified)
        report.merged += merged
        if (merged > 0) {
          progress = true
          break
        }
      } catch (error) {
        const failure = classifyCallError(error)
        if (failure.kind === 'retry') {
          await failCall(ctx, call, failure, state, byKey, report)
          if (failure.orgWide) break
          continue
        }
        ctx.logger.error(
          { author: call.author, error: String(error) },
          'SystemModstamp check refused; writing without it',
        )
      }
      const result = await executeCall(ctx, call, conn, {
        records: byKey,
        retries: state.retries,
        refused,
        verified,
        readBack,
      })
      report.calls += 1
      report.written += result.counts.written
      report.records.push(...result.written)
      report.refused += result.counts.refused
      report.retried += result.counts.retried
      report.merged += result.counts.conflicts
      for (const key of result.unmerged) unconditional.add(key)
      if (result.counts.written > 0 || result.counts.halted > 0 || result.counts.conflicts > 0)
        progress = true
      if (result.failure) {
        await failCall(ctx, call, result.failure, state, byKey, report)
        if (result.failure.ambiguous || result.failure.orgWide) {
          progress = true
          break
        }
      }
    }
    await reportRefusals(ctx, wave.refusals)
    for (const key of byKey.keys()) {
      if (state.retries.attempts(key) >= ctx.settings.maxAttempts) parked.add(key)
    }
    if (progress) continue
    const keys = [...byKey.keys()].filter((k) => !parked.has(k) && !unreconciled.has(k))
    const retry = state.retries.next(keys)
    const next = retry === undefined ? concludeAt : Math.min(retry, concludeAt ?? retry)
    if (next === undefined || next - ctx.now() > state.maxRetryWaitMs) break
    await state.sleep(Math.max(0, next - ctx.now()))
  }
  report.waiting = [...state.retries.waiting(ctx.now())].length
  return report
}
