import { MapRoot } from '@briefcase/record'
import type { ServerRow } from '../projection/composite-result.js'
import type {
  ProjectionLogger,
  ProjectionMetrics,
  ProjectionSalesforce,
  SalesforceConnection,
} from '../projection/ports.js'
import { changedSoql, queryUrl, recordSoql } from '../projection/record-query.js'
import type { ReadSubrequest } from '../projection/server-records.js'
import {
  canonicalInstant,
  compositeRead,
  queryRows,
  rowDiffers,
  rowId,
  sameInstant,
  serverInfoOf,
} from '../projection/server-records.js'
import { assignSessions } from './assign-sessions.js'
import type { PullDocs, PullStore, TrackedDoc, Watermark } from './ports.js'

/** Tunables of the puller. */
export interface PullerOptions {
  /** API version (default `62.0`). */
  apiVersion?: string
  /** Background pull interval in ms once started (default 60 000). */
  intervalMs?: number
  /** Changes are read from this long before the watermark, for commit-order skew (default 60 000 ms). */
  overlapMs?: number
  /** Record Ids per query (default 200). */
  idsPerQuery?: number
  /**
   * Above this many records of an object in one session, a pull from a watermark reads the
   * object's changes since then in one query (`SystemModstamp >` only, rows of records without
   * documents ignored) instead of `Id IN` queries of {@link idsPerQuery} (default 1,000: more
   * than one Composite call of them). A pull without a watermark always reads by Id.
   */
  changedQueryAbove?: number
  /** How far back the first getDeleted of an object reads (default one day). */
  deletedLookbackMs?: number
}

/** Dependencies and options of {@link createPuller}. */
export interface PullerConfig {
  docs: PullDocs
  store: PullStore
  salesforce: Pick<ProjectionSalesforce, 'connection'>
  logger?: ProjectionLogger
  metrics?: ProjectionMetrics
  /** Clock in ms (default `Date.now`). */
  now?: () => number
  options?: PullerOptions
  /**
   * Salesforce Ids of records a write call of the relay's may still be landing on (in flight, not
   * reconciled yet). The puller leaves them alone, and does not move its watermark past them,
   * until recovery has reconciled them: our own late write is never mistaken for a server change.
   */
  inFlight?: () => Promise<ReadonlySet<string>>
  /**
   * Awaited at the start of every pass with the Salesforce Ids it is about to read, before
   * anything is merged (the relay re-checks its live connections' access to them there, so a user
   * who lost a record receives nothing more of it).
   */
  beforePass?: (ids: readonly string[]) => Promise<void>
}

/** What a pull did. */
export interface PullReport {
  /** API calls made (Composite requests). */
  calls: number
  /** Records read. */
  rows: number
  /** Documents a server change was merged into. */
  merged: number
  /** Documents marked deleted in Salesforce. */
  deleted: number
}

/** The puller: Salesforce's changes to records with documents → the documents. */
export interface Puller {
  /** Starts background pulls every `intervalMs`. */
  start(): void
  stop(): Promise<void>
  /** Pulls every object with documents now. */
  pullOnce(): Promise<PullReport>
  /** Pulls these objects now (e.g. after the projector wrote them, or when a device reconnects). */
  pullObjects(sobjects: readonly string[]): Promise<PullReport>
}

/** Subrequests per Composite call: 5 queries at most, and 25 in all. */
const MAX_QUERIES = 5
const MAX_SUBREQUESTS = 25

const silent: ProjectionLogger = { debug() {}, info() {}, warn() {}, error() {} }

/** A SOQL datetime literal (seconds, UTC). */
function soqlInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The `start`/`end` form of getDeleted. */
function replicationInstant(ms: number): string {
  return encodeURIComponent(new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00'))
}

/** Documents by their record's Salesforce Id. */
function byRecord(docs: readonly TrackedDoc[]): Map<string, TrackedDoc[]> {
  const out = new Map<string, TrackedDoc[]>()
  for (const d of docs) {
    const list = out.get(d.salesforceId)
    if (list) list.push(d)
    else out.set(d.salesforceId, [d])
  }
  return out
}

interface Job {
  sub: ReadSubrequest
  kind: 'query' | 'deleted'
  sobject: string
  /** Records a query reads (for the log). */
  ids: number
}

/**
 * Creates the puller. Per object with documents it reads, with the session of a user holding the
 * documents (one per readability partition), the records changed since its watermark
 * (`SystemModstamp` minus an overlap, `Id IN` the documents' records) and getDeleted, five
 * queries and the getDeleted calls to a Composite request (one API call). Rows merge into the
 * documents as server changes stamped with LastModifiedDate; our own writes echoed back change
 * nothing, and records whose SystemModstamp and values match the document are not touched.
 *
 * @example
 * ```ts
 * const puller = createPuller({ docs, store: new SqlitePullStore({ database }), salesforce })
 * puller.start()
 * ```
 */
export function createPuller(config: PullerConfig): Puller {
  const o = config.options ?? {}
  const now = config.now ?? Date.now
  const logger = config.logger ?? silent
  const apiVersion = o.apiVersion ?? '62.0'
  const idsPerQuery = o.idsPerQuery ?? 200
  const changedQueryAbove = o.changedQueryAbove ?? idsPerQuery * MAX_QUERIES
  const overlap = o.overlapMs ?? 60_000
  const fieldsCache = new Map<string, string[]>()
  let chain: Promise<unknown> = Promise.resolve()
  let interval: ReturnType<typeof setInterval> | undefined

  const fieldsOf = async (d: TrackedDoc): Promise<string[]> => {
    const key = `${d.sobject}|${d.ref.group}`
    const known = fieldsCache.get(key)
    if (known) return known
    const fields =
      (await config.docs.withDocument(d.ref, (doc) => Object.keys(doc.schema.fields))) ?? []
    fieldsCache.set(key, fields)
    return fields
  }

  const applyRow = async (docs: readonly TrackedDoc[], row: ServerRow): Promise<number> => {
    const info = serverInfoOf(row)
    if (!info) return 0
    let merged = 0
    for (const d of docs) {
      const changed = await config.docs.withDocument(d.ref, (doc) => {
        const stamp = doc.engineDoc.get(MapRoot.server, 'systemModstamp')
        const same = typeof stamp === 'string' && sameInstant(stamp, info.systemModstamp)
        if (same && !rowDiffers(doc, row)) return false
        doc.applyServerRecord(row, info)
        return true
      })
      if (changed) merged += 1
    }
    return merged
  }

  const applyDeleted = async (docs: readonly TrackedDoc[], at: string): Promise<number> => {
    let count = 0
    for (const d of docs) {
      const done = await config.docs.withDocument(d.ref, (doc) => {
        if (doc.engineDoc.get(MapRoot.server, 'deleted') === true) return false
        doc.applyServerDelete('', at)
        return true
      })
      if (done) count += 1
    }
    return count
  }

  const pull = async (sobjects?: readonly string[]): Promise<PullReport> => {
    const report: PullReport = { calls: 0, rows: 0, merged: 0, deleted: 0 }
    const busy = (await config.inFlight?.()) ?? new Set<string>()
    const all = await config.docs.tracked(sobjects)
    const tracked = all.filter((d) => !busy.has(d.salesforceId))
    if (tracked.length === 0) return report
    await config.beforePass?.(tracked.map((d) => d.salesforceId))
    const objects = [...new Set(tracked.map((d) => d.sobject))].sort()
    const marks = new Map<string, Watermark>()
    for (const s of objects) marks.set(s, await config.store.watermark(s))
    const next = new Map(objects.map((s) => [s, { ...(marks.get(s) as Watermark) }]))
    const failed = new Set<string>()
    const byId = byRecord(tracked)
    const deletedRead = new Set<string>()
    const exclude = new Set<string>()
    const sessions: [string, TrackedDoc[], SalesforceConnection][] = []
    for (;;) {
      let missing = false
      sessions.length = 0
      for (const [user, docs] of assignSessions(tracked, exclude)) {
        const conn = await config.salesforce.connection(user)
        if (conn) sessions.push([user, docs, conn])
        else {
          exclude.add(user)
          missing = true
        }
      }
      if (!missing) break
    }
    for (const [user, docs, conn] of sessions) {
      const sessionDocs = byRecord(docs)
      const jobs: Job[] = []
      for (const sobject of objects) {
        const mine = docs.filter((d) => d.sobject === sobject)
        if (mine.length === 0) continue
        const mark = marks.get(sobject) as Watermark
        const since = mark.updated ? Date.parse(mark.updated) - overlap : undefined
        const ids = [...new Set(mine.map((d) => d.salesforceId))]
        const fields = await fieldsOf(mine[0] as TrackedDoc)
        if (since !== undefined && ids.length > changedQueryAbove) {
          const soql = changedSoql({ sobject, fields, modifiedAfter: soqlInstant(since) })
          const sub = { method: 'GET', url: queryUrl(apiVersion, soql) } as const
          jobs.push({ sub, kind: 'query', sobject, ids: ids.length })
        } else {
          for (let i = 0; i < ids.length; i += idsPerQuery) {
            const soql = recordSoql({
              sobject,
              fields,
              ids: ids.slice(i, i + idsPerQuery),
              ...(since === undefined ? {} : { modifiedAfter: soqlInstant(since) }),
            })
            jobs.push({
              sub: { method: 'GET', url: queryUrl(apiVersion, soql) },
              kind: 'query',
              sobject,
              ids: Math.min(idsPerQuery, ids.length - i),
            })
          }
        }
        const start = mark.deleted
          ? Date.parse(mark.deleted)
          : now() - (o.deletedLookbackMs ?? 86_400_000)
        if (!deletedRead.has(sobject) && now() - start > 120_000) {
          deletedRead.add(sobject)
          const url = `/services/data/v${apiVersion}/sobjects/${sobject}/deleted?start=${replicationInstant(start)}&end=${replicationInstant(now())}`
          jobs.push({ sub: { method: 'GET', url }, kind: 'deleted', sobject, ids: 0 })
        }
      }
      while (jobs.length > 0) {
        const batch: Job[] = []
        let queries = 0
        while (jobs.length > 0 && batch.length < MAX_SUBREQUESTS) {
          const job = jobs[0] as Job
          if (job.kind === 'query' && queries >= MAX_QUERIES) break
          if (job.kind === 'query') queries += 1
          batch.push(jobs.shift() as Job)
        }
        let results
        try {
          report.calls += 1
          config.metrics?.increment('briefcase_pull_api_calls_total')
          results = await compositeRead(
            conn,
            batch.map((j) => j.sub),
            { purpose: 'pull', records: batch.reduce((n, j) => n + j.ids, 0) },
          )
        } catch (error) {
          for (const j of batch) failed.add(j.sobject)
          logger.warn({ user, error: String(error) }, 'A pull call failed')
          continue
        }
        for (const [i, job] of batch.entries()) {
          const result = results[i] as (typeof results)[number]
          try {
            if (job.kind === 'deleted') {
              if (result.httpStatusCode >= 400) throw new Error(JSON.stringify(result.body))
              const body = result.body as {
                deletedRecords?: { id: string; deletedDate: string }[]
                latestDateCovered?: string
              }
              for (const r of body.deletedRecords ?? []) {
                report.deleted += await applyDeleted(
                  byId.get(rowId({ Id: r.id }) ?? r.id) ?? [],
                  r.deletedDate,
                )
              }
              const mark = next.get(job.sobject) as Watermark
              if (body.latestDateCovered) mark.deleted = canonicalInstant(body.latestDateCovered)
              continue
            }
            const rows = await queryRows(conn, result)
            report.rows += rows.length
            const mark = next.get(job.sobject) as Watermark
            for (const row of rows) {
              const id = rowId(row)
              const mine = (id === undefined ? undefined : sessionDocs.get(id)) ?? []
              report.merged += await applyRow(mine, row)
              const stamp =
                typeof row.SystemModstamp === 'string' ? canonicalInstant(row.SystemModstamp) : null
              if (stamp && (!mark.updated || stamp > mark.updated)) mark.updated = stamp
            }
          } catch (error) {
            failed.add(job.sobject)
            logger.warn(
              { user, sobject: job.sobject, error: String(error) },
              'A pull subrequest failed',
            )
          }
        }
      }
    }
    // An object with a record left alone keeps its watermark: the record is read again next time.
    for (const d of all) if (busy.has(d.salesforceId)) failed.add(d.sobject)
    for (const s of objects) {
      if (!failed.has(s)) await config.store.setWatermark(s, next.get(s) as Watermark)
    }
    if (report.merged + report.deleted > 0) {
      config.metrics?.increment('briefcase_pull_merged_records_total', {}, report.merged)
      config.metrics?.increment('briefcase_pull_deleted_records_total', {}, report.deleted)
      logger.info({ ...report }, 'Pulled server changes')
    }
    return report
  }

  const serial = (sobjects?: readonly string[]): Promise<PullReport> => {
    const run = chain.then(() => pull(sobjects))
    chain = run.catch(() => undefined)
    return run
  }

  return {
    start() {
      if (interval) return
      const tick = (): void => {
        serial().catch((error: unknown) => logger.error({ error: String(error) }, 'Pull failed'))
      }
      interval = setInterval(tick, o.intervalMs ?? 60_000)
      tick()
    },
    async stop() {
      if (interval) clearInterval(interval)
      interval = undefined
      await chain
    },
    pullOnce: () => serial(),
    pullObjects: (sobjects) => serial(sobjects),
  }
}
