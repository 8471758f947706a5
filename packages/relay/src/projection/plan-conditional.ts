import { decodeHlc } from '@briefcase/record'
import { refKey } from './doc-ref.js'
import type { PlanInput, PlannedSubrequest, PlannedWrite } from './plan-types.js'

/** Most updates sent as conditional rows in one call (25 subrequests, ≤ 5 of them heavy). */
export const MAX_CONDITIONAL_ROWS = 20

/**
 * Whether an update can carry its conflict check itself (`If-Unmodified-Since` with the shadow's
 * SystemModstamp S): the record's SystemModstamp is known, no conflict was found on it this run,
 * and every edit sent is later than S. Salesforce answers 412 only when LastModifiedDate is past
 * S's second; a change within that second (after the stamp was read) goes unseen, but the merge
 * would stamp it S (one-second resolution) and every edit later than S wins over it anyway: the
 * write is what the separate check would have led to. Edits older than S qualify too when S was
 * read moments ago (`PlanInput.confirmed`): a separate check now would read what that read did
 * (and a check that fresh is not repeated).
 */
function canCarryCheck(w: PlannedWrite, input: PlanInput): boolean {
  if (w.kind !== 'update' || !w.salesforceId) return false
  if (input.unconditional?.has(refKey(w.ref))) return false
  const record = input.records.find((r) => refKey(r.ref) === refKey(w.ref))
  const since = record?.systemModstamp ? Date.parse(record.systemModstamp) : NaN
  if (!Number.isFinite(since)) return false
  const sent = Object.values(w.fields)
  if (sent.length === 0) return false
  return (
    input.confirmed?.has(refKey(w.ref)) === true ||
    sent.every((f) => decodeHlc(f.stamp).wall > since)
  )
}

/**
 * The updates of a call to send as conditional sObject Rows PATCHes instead of a Collections
 * update behind a separate check: all of them or none (one update needing the check costs the
 * check call anyway), and only up to `maxRows` (larger batches keep the check: 1 call per 1,000).
 */
export function conditionalUpdates(
  writes: readonly PlannedWrite[],
  input: PlanInput,
  maxRows: number,
): Set<number> {
  const updates = [...writes.keys()].filter((i) => writes[i]?.kind === 'update')
  if (updates.length === 0 || updates.length > maxRows) return new Set()
  if (!updates.every((i) => canCarryCheck(writes[i] as PlannedWrite, input))) return new Set()
  return new Set(updates)
}

/** `If-Unmodified-Since` for a SystemModstamp: an HTTP-date (whole seconds). */
export function httpDate(systemModstamp: string): string {
  return new Date(Date.parse(systemModstamp)).toUTCString()
}

/** One conditional update: `PATCH /sobjects/{T}/{Id}` with `If-Unmodified-Since`. */
export function conditionalRow(
  index: number,
  writeIndex: number,
  w: PlannedWrite,
  body: Record<string, unknown>,
  systemModstamp: string,
  apiVersion: string,
): PlannedSubrequest {
  const fields = Object.fromEntries(
    Object.entries(body).filter(([k]) => k !== 'attributes' && k !== 'id'),
  )
  return {
    referenceId: `u${index}`,
    kind: 'row',
    method: 'PATCH',
    url: `/services/data/v${apiVersion}/sobjects/${w.sobject}/${w.salesforceId ?? ''}`,
    body: fields,
    headers: { 'If-Unmodified-Since': httpDate(systemModstamp) },
    items: [writeIndex],
  }
}
