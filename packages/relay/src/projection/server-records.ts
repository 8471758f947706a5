import type { FieldSchema, FieldValue, RecordDocument, ServerInfo } from '@briefcase/record'
import { canonicalDatetime, checkValue, isSalesforceId, toSalesforceId } from '@briefcase/record'
import type { ServerRow } from './composite-result.js'
import type { SalesforceConnection } from './ports.js'
import type { RecordQuery } from './record-query.js'
import { queryUrl, recordSoql } from './record-query.js'
import { readErrors } from './salesforce-errors.js'

/** Queries per Composite call (Salesforce allows 5 queries or collections). */
const QUERIES_PER_CALL = 5

/** An error a query answered with: thrown, so the caller retries. */
export class QueryFailedError extends Error {
  override readonly name = 'QueryFailedError' as const
  readonly errorCode: string

  constructor(code: string, message: string) {
    super(message)
    this.errorCode = code
  }
}

/** The server information of a row, or `undefined` when it lacks the system fields. */
export function serverInfoOf(row: ServerRow): ServerInfo | undefined {
  const id = typeof row.Id === 'string' ? toSalesforceId(row.Id) : undefined
  const { LastModifiedDate: lmd, SystemModstamp: sms, LastModifiedById: by } = row
  if (!id || typeof lmd !== 'string' || typeof sms !== 'string') return undefined
  return {
    salesforceId: id,
    lastModifiedDate: lmd,
    systemModstamp: sms,
    lastModifiedById: typeof by === 'string' ? by : '',
  }
}

/** A Salesforce datetime in canonical ISO form (`…T00:00:00.000Z`); unparsable ones as given. */
export function canonicalInstant(value: string): string {
  return canonicalDatetime(value) ?? value
}

/** The canonical form of a datetime string, for comparing SystemModstamps. */
export function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false
  return (canonicalDatetime(a) ?? a) === (canonicalDatetime(b) ?? b)
}

/**
 * True when what Salesforce holds equals what was sent: both in canonical form (datetimes in UTC,
 * 15-character Ids as 18); an empty string and null are the same (Salesforce stores no empty
 * strings).
 */
export function sameValue(
  field: FieldSchema | undefined,
  server: unknown,
  sent: FieldValue,
): boolean {
  const blank = (v: unknown): boolean => v === null || v === undefined || v === ''
  if (blank(server) || blank(sent)) return blank(server) && blank(sent)
  if (server === sent) return true
  if (!field) return false
  try {
    const relaxed: FieldSchema = { ...field, length: 0, restrictedPicklist: false }
    return checkValue(relaxed, server) === checkValue(relaxed, sent)
  } catch {
    return false
  }
}

/** True when a row holds a value for a field of the document other than its shadow's. */
export function rowDiffers(doc: RecordDocument, row: ServerRow): boolean {
  for (const [field, schema] of Object.entries(doc.schema.fields)) {
    if (!(field in row)) continue
    const shadow = doc.shadow(field)
    if (shadow === undefined) continue
    if (!sameValue(schema, row[field], shadow)) return true
  }
  return false
}

/** The Id a row holds, in 18-character form. */
export function rowId(row: ServerRow): string | undefined {
  const id = typeof row.Id === 'string' ? toSalesforceId(row.Id) : undefined
  return id !== undefined && isSalesforceId(id) ? id : undefined
}

interface QueryPage {
  records?: ServerRow[]
  nextRecordsUrl?: string
  done?: boolean
}

/** One subrequest of a Composite call the puller and the checks send. */
export interface ReadSubrequest {
  method: 'GET'
  url: string
}

/** A subrequest's answer. */
export interface ReadResult {
  body: unknown
  httpStatusCode: number
}

/**
 * Sends GET subrequests (queries, getDeleted) as one Composite call (one API call) under one
 * session; returns their answers in order.
 */
export async function compositeRead(
  conn: SalesforceConnection,
  subrequests: readonly ReadSubrequest[],
  log: { purpose: string; records: number },
): Promise<ReadResult[]> {
  const compositeRequest = subrequests.map((s, i) => ({ ...s, referenceId: `r${i}` }))
  const response = await conn.request<{ compositeResponse?: ReadResult[] }>({
    method: 'POST',
    url: '/composite',
    body: JSON.stringify({ allOrNone: false, collateSubrequests: false, compositeRequest }),
    headers: { 'content-type': 'application/json' },
    ...log,
  })
  return subrequests.map(
    (_, i) => response.compositeResponse?.[i] ?? { body: null, httpStatusCode: 500 },
  )
}

/** The rows of a query answer, following further pages. Throws when the query failed. */
export async function queryRows(
  conn: SalesforceConnection,
  result: ReadResult,
): Promise<ServerRow[]> {
  if (result.httpStatusCode >= 400) {
    const error = readErrors(result.body)[0]
    throw new QueryFailedError(
      error?.code ?? 'UNKNOWN_EXCEPTION',
      error?.message ?? 'Query failed.',
    )
  }
  let page = result.body as QueryPage
  const rows = [...(page.records ?? [])]
  while (page.done === false && page.nextRecordsUrl) {
    page = await conn.request<QueryPage>({
      method: 'GET',
      url: page.nextRecordsUrl,
      purpose: 'next-page',
    })
    rows.push(...(page.records ?? []))
  }
  return rows
}

/**
 * Runs record queries under one session, five to a Composite call (one API call each), and
 * follows further pages. Returns the rows of each query, in the order given. Throws when a query
 * fails.
 */
export async function queryRecords(
  conn: SalesforceConnection,
  apiVersion: string,
  queries: readonly RecordQuery[],
  purpose: string,
): Promise<ServerRow[][]> {
  const out: ServerRow[][] = []
  for (let start = 0; start < queries.length; start += QUERIES_PER_CALL) {
    const chunk = queries.slice(start, start + QUERIES_PER_CALL)
    const records = chunk.reduce((n, q) => n + (q.ids?.length ?? 0) + (q.draftKeys?.length ?? 0), 0)
    const results = await compositeRead(
      conn,
      chunk.map((q) => ({ method: 'GET', url: queryUrl(apiVersion, recordSoql(q)) })),
      { purpose, records },
    )
    for (const result of results) out.push(await queryRows(conn, result))
  }
  return out
}
