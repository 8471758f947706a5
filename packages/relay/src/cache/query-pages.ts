import type { Connection } from 'jsforce'
import { fromSalesforceError } from '../salesforce/salesforce-errors.js'

/** A row of a SOQL answer. */
export type QueryRow = Record<string, unknown>

/**
 * Runs a SOQL query and yields its pages as Salesforce sends them (the first answer, then
 * `nextRecordsUrl` after `nextRecordsUrl`), so that a caller holds one page at a time. Stops after
 * `max` rows. Salesforce errors become `RelayError`s (`what` names the work in their message).
 */
export async function* queryPages(
  conn: Connection,
  soql: string,
  options: { max: number; what: string },
): AsyncGenerator<QueryRow[]> {
  let left = options.max
  let next: string | undefined
  let first = true
  while (left > 0 && (first || next !== undefined)) {
    let page: { records: QueryRow[]; done: boolean; nextRecordsUrl?: string }
    try {
      page = first
        ? await conn.query<QueryRow>(soql, { autoFetch: false })
        : await conn.queryMore<QueryRow>(next as string)
    } catch (error) {
      throw fromSalesforceError(error, options.what)
    }
    first = false
    const rows = page.records.length > left ? page.records.slice(0, left) : page.records
    left -= rows.length
    next = page.done ? undefined : page.nextRecordsUrl
    if (rows.length > 0) yield rows
  }
}
