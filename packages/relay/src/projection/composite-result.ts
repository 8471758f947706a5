import type { SalesforceId } from '@briefcase/record'
import { isSalesforceId, toSalesforceId } from '@briefcase/record'
import type { PlannedCall, PlannedSubrequest } from './plan-types.js'
import type { SalesforceError } from './salesforce-errors.js'
import { itemErrorKind, readErrors } from './salesforce-errors.js'

/** What happened to one write. */
export type WriteOutcome =
  | { kind: 'ok'; id: SalesforceId | null; created: boolean }
  | { kind: 'refused' | 'retry' | 'halted' | 'gone'; error: SalesforceError }
  /** A conditional update answered 412: the record changed in Salesforce; nothing was written. */
  | { kind: 'conflict'; error: SalesforceError }

/** A record as a query returned it. */
export type ServerRow = Readonly<Record<string, unknown>>

/** The outcome of a Composite call, aligned with the call's writes. */
export interface CallOutcome {
  writes: WriteOutcome[]
  /** Rows the read-back queries returned, by object. */
  rows: Map<string, ServerRow[]>
  /** Subrequests that failed as a whole (for the log). */
  failures: { referenceId: string; errors: SalesforceError[] }[]
}

interface SubResult {
  body: unknown
  httpStatusCode: number
  referenceId: string
}

const HALTED: SalesforceError = {
  code: 'PROCESSING_HALTED',
  message: 'The subrequest did not run.',
  fields: [],
}

function itemOutcome(item: unknown, sub: PlannedSubrequest): WriteOutcome {
  const r = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>
  const rawId = typeof r.id === 'string' ? toSalesforceId(r.id) : undefined
  const id = rawId !== undefined && isSalesforceId(rawId) ? rawId : null
  if (r.success === true) return { kind: 'ok', id, created: r.created === true }
  const error = readErrors(r.errors)[0] ?? { code: 'UNKNOWN_EXCEPTION', message: '', fields: [] }
  const kind = itemErrorKind(error)
  if (kind === 'gone' && sub.kind === 'delete') return { kind: 'ok', id, created: false }
  return { kind, error }
}

/** The outcome of a conditional sObject Rows PATCH: 204, 412 (changed since), or an error body. */
function rowOutcome(result: SubResult, id: SalesforceId | null): WriteOutcome {
  if (result.httpStatusCode < 400) return { kind: 'ok', id, created: false }
  const error = readErrors(result.body)[0] ?? HALTED
  if (result.httpStatusCode === 412) return { kind: 'conflict', error }
  return { kind: itemErrorKind(error), error }
}

/**
 * Reads a Composite response into one outcome per write (by subrequest and item position) and
 * the rows of the read-back queries. A subrequest that failed as a whole gives its error to each
 * of its records; one that is missing, or halted because a reference failed, leaves them to be
 * planned again.
 */
export function readComposite(call: PlannedCall, response: unknown): CallOutcome {
  const list = (response as { compositeResponse?: unknown } | null)?.compositeResponse
  const results = new Map<string, SubResult>()
  for (const r of Array.isArray(list) ? (list as SubResult[]) : []) results.set(r.referenceId, r)
  const writes: WriteOutcome[] = call.writes.map(() => ({ kind: 'halted', error: HALTED }))
  const rows = new Map<string, ServerRow[]>()
  const failures: CallOutcome['failures'] = []
  for (const sub of call.subrequests) {
    const result = results.get(sub.referenceId)
    if (!result) continue
    if (sub.kind === 'row') {
      const i = sub.items[0] ?? -1
      writes[i] = rowOutcome(result, call.writes[i]?.salesforceId ?? null)
      continue
    }
    if (result.httpStatusCode >= 400) {
      const errors = readErrors(result.body)
      failures.push({ referenceId: sub.referenceId, errors })
      if (sub.kind === 'query') continue
      const error = errors[0] ?? HALTED
      const kind = itemErrorKind(error)
      for (const i of sub.items) {
        const gone = kind === 'gone' && sub.kind === 'delete'
        writes[i] = gone ? { kind: 'ok', id: null, created: false } : { kind, error }
      }
      continue
    }
    if (sub.kind === 'query') {
      const records = (result.body as { records?: unknown } | null)?.records
      const found = Array.isArray(records) ? (records as ServerRow[]) : []
      rows.set(sub.sobject ?? '', [...(rows.get(sub.sobject ?? '') ?? []), ...found])
      continue
    }
    const items = Array.isArray(result.body) ? (result.body as unknown[]) : []
    sub.items.forEach((writeIndex, position) => {
      const item = items[position]
      if (item !== undefined) writes[writeIndex] = itemOutcome(item, sub)
    })
  }
  return { writes, rows, failures }
}
