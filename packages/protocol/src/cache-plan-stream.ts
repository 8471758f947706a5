import type { CachePlan, PlannedDashboard, PlannedRecord } from './api.js'
import { RelayErrorCode } from './errors.js'

/**
 * Content type of a streamed cache plan: one JSON value per line. A device asks for it with
 * `Accept`; a relay that answers `application/json` sends the whole {@link CachePlan} at once.
 */
export const CACHE_PLAN_STREAM_TYPE = 'application/x-ndjson'

/**
 * One line of a streamed cache plan (`POST /api/cache-plan` with `Accept:`
 * {@link CACHE_PLAN_STREAM_TYPE}): the head first, then pages of records and the dashboards as
 * the relay finds them, then `end` with the number of records sent. A plan is complete only with
 * its `end` line: a stream that stops before it, or says `aborted`, is no plan (a partial plan
 * would drop the records it had not reached).
 */
export type CachePlanLine =
  | { head: { generatedAt: string; usingDefault: boolean } }
  | { records: PlannedRecord[] }
  | { dashboard: PlannedDashboard }
  | { end: { records: number } }
  | { aborted: { code: string; message: string } }

/** A streamed cache plan that is malformed, stopped early or was aborted by the relay. */
export class CachePlanStreamError extends Error {
  override readonly name = 'CachePlanStreamError'
  /** The relay's code when it aborted the plan; `BRIEFCASE_BAD_REQUEST` for a malformed stream. */
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** One line of a streamed cache plan, newline included. */
export function encodeCachePlanLine(line: CachePlanLine): string {
  return `${JSON.stringify(line)}\n`
}

/**
 * Reads a streamed cache plan into a {@link CachePlan}, calling `onRecords` with the number of
 * records received so far after each page. Throws {@link CachePlanStreamError} when the relay
 * aborted it, a line is malformed, or the stream ends before its `end` line.
 *
 * @example
 * ```ts
 * const plan = await readCachePlanStream(response.body, (n) => console.log(`${n} planned`))
 * ```
 */
export async function readCachePlanStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onRecords?: (received: number) => void,
): Promise<CachePlan> {
  const decoder = new TextDecoder()
  const records: PlannedRecord[] = []
  const dashboards: PlannedDashboard[] = []
  let head: { generatedAt: string; usingDefault: boolean } | undefined
  let ended = false
  let rest = ''
  const take = (text: string): void => {
    if (text.trim() === '') return
    if (ended) throw malformed('a line after the end of the cache plan')
    const line = parseLine(text)
    if ('head' in line) head = line.head
    else if (!head) throw malformed('a cache plan line before its head')
    else if ('records' in line) {
      for (const r of line.records) records.push(r)
      onRecords?.(records.length)
    } else if ('dashboard' in line) dashboards.push(line.dashboard)
    else if ('aborted' in line)
      throw new CachePlanStreamError(line.aborted.code, line.aborted.message)
    else {
      if (line.end.records !== records.length)
        throw malformed(`the relay sent ${line.end.records} records, ${records.length} arrived`)
      ended = true
    }
  }
  for await (const chunk of chunks) {
    rest += decoder.decode(chunk, { stream: true })
    let at = rest.indexOf('\n')
    while (at >= 0) {
      take(rest.slice(0, at))
      rest = rest.slice(at + 1)
      at = rest.indexOf('\n')
    }
  }
  take(rest + decoder.decode())
  if (!head || !ended) throw malformed('the cache plan stopped before its end')
  return { generatedAt: head.generatedAt, usingDefault: head.usingDefault, records, dashboards }
}

function parseLine(text: string): CachePlanLine {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw malformed('a cache plan line is not JSON')
  }
  if (typeof value !== 'object' || value === null)
    throw malformed('a cache plan line is not an object')
  const v = value as Record<string, unknown>
  if (isObject(v.head) && typeof v.head.generatedAt === 'string') return v as CachePlanLine
  if (Array.isArray(v.records)) return v as CachePlanLine
  if (isObject(v.dashboard)) return v as CachePlanLine
  if (isObject(v.end) && typeof v.end.records === 'number') return v as CachePlanLine
  if (isObject(v.aborted) && typeof v.aborted.code === 'string') return v as CachePlanLine
  throw malformed('a cache plan line of an unknown kind')
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null
}

function malformed(message: string): CachePlanStreamError {
  return new CachePlanStreamError(RelayErrorCode.badRequest, `Malformed cache plan: ${message}.`)
}
