import type { CacheSource, PlannedDashboard, PlannedRecord } from '@briefcase/protocol'
import type { Connection } from 'jsforce'
import type { ObjectViews } from '../salesforce/object-views.js'
import type { RecordAccess } from '../salesforce/record-access.js'
import { fromSalesforceError } from '../salesforce/salesforce-errors.js'
import { MAX_IDS_PER_QUERY, chunks, soqlQuote } from '../salesforce/soql.js'
import { queryPages } from './query-pages.js'
import type { BriefcaseFilter } from './briefcase-filters.js'

/** The queries the cache plan and the offline items are made of, run with one user's authority. */
export class CacheQueries {
  readonly conn: Connection
  readonly userId: string
  readonly #views: ObjectViews
  readonly #access: RecordAccess

  constructor(conn: Connection, userId: string, views: ObjectViews, access: RecordAccess) {
    this.conn = conn
    this.userId = userId
    this.#views = views
    this.#access = access
  }

  /** Runs a SOQL query (all pages up to `max` records). */
  async query(soql: string, max: number): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = []
    for await (const page of this.pages(soql, max)) rows.push(...page)
    return rows
  }

  /** Runs a SOQL query page by page (up to `max` records). */
  pages(soql: string, max: number): AsyncGenerator<Record<string, unknown>[]> {
    return queryPages(this.conn, soql, { max, what: 'building the cache plan' })
  }

  /** How many records match `where` (`SELECT count()`). */
  async count(sobject: string, where: string): Promise<number> {
    try {
      return (await this.conn.query(`SELECT count() FROM ${sobject} WHERE ${where}`)).totalSize
    } catch (error) {
      throw fromSalesforceError(error, 'building the cache plan')
    }
  }

  /** A GET on the REST API (relative to the versioned base, or absolute). */
  async get<T>(url: string): Promise<T> {
    try {
      return await this.conn.request<T>({ method: 'GET', url })
    } catch (error) {
      throw fromSalesforceError(error, `GET ${url}`)
    }
  }

  /** Objects the user can open as tabs (layoutable and searchable), by API name. */
  async tabObjects(): Promise<Map<string, { label: string; labelPlural: string }>> {
    const global = await this.get<{
      sobjects: {
        name: string
        label: string
        labelPlural: string
        layoutable?: boolean
        searchable?: boolean
        queryable?: boolean
      }[]
    }>('/sobjects')
    const out = new Map<string, { label: string; labelPlural: string }>()
    for (const o of global.sobjects) {
      if (o.layoutable && o.searchable && o.queryable !== false) {
        out.set(o.name, { label: o.label, labelPlural: o.labelPlural })
      }
    }
    return out
  }

  /** The user's recently viewed objects, most recent first (from the org's `/recent`). */
  async recentObjects(tabs: ReadonlyMap<string, unknown>, limit: number): Promise<string[]> {
    const recent = await this.get<{ attributes?: { type?: string } }[]>('/recent?limit=200')
    const out: string[] = []
    for (const item of recent) {
      const type = item.attributes?.type
      if (type && tabs.has(type) && type !== 'Task' && !out.includes(type)) out.push(type)
      if (out.length >= limit) break
    }
    return out
  }

  /** Records as planned records, with the object's name field as their display name. */
  async records(
    sobject: string,
    rows: readonly Record<string, unknown>[],
    source: CacheSource,
    item: string,
    parent?: (row: Record<string, unknown>) => string | undefined,
  ): Promise<PlannedRecord[]> {
    const view = await this.#views.viewFor(this.userId, sobject)
    const nameField = view.nameField ?? 'Id'
    const out: PlannedRecord[] = []
    for (const row of rows) {
      if (typeof row.Id !== 'string') continue
      this.#access.grant(this.userId, row.Id)
      const name = row[nameField]
      const p = parent?.(row)
      out.push({
        doc: `${sobject}/${row.Id}`,
        sobject,
        id: row.Id,
        name: typeof name === 'string' && name !== '' ? name : row.Id,
        source,
        item,
        ...(p ? { parent: p } : {}),
      })
    }
    return out
  }

  /** The user's most recently viewed records of an object. */
  async recentRecords(
    sobject: string,
    limit: number,
    source: CacheSource,
    item: string,
  ): Promise<PlannedRecord[]> {
    const view = await this.#views.viewFor(this.userId, sobject)
    const fields = ['Id', ...(view.nameField && view.nameField !== 'Id' ? [view.nameField] : [])]
    const rows = await this.query(
      `SELECT ${fields.join(', ')} FROM ${sobject} WHERE LastViewedDate != NULL ORDER BY LastViewedDate DESC LIMIT ${limit}`,
      limit,
    )
    return this.records(sobject, rows, source, item)
  }

  /** The user's open tasks (My Tasks). */
  async myTasks(source: CacheSource, item: string): Promise<PlannedRecord[]> {
    const rows = await this.query(
      `SELECT Id, Subject FROM Task WHERE OwnerId = ${soqlQuote(this.userId)} AND IsClosed = false ORDER BY ActivityDate LIMIT 500`,
      500,
    )
    return this.records('Task', rows, source, item)
  }

  /** A briefcase filter's condition, with `{userId}` replaced by the user's Id. */
  filterWhere(filter: BriefcaseFilter): string {
    return filter.where.replaceAll('{userId}', soqlQuote(this.userId))
  }

  /**
   * A briefcase filter's records and, for each page of them, their related records, page by
   * page as Salesforce answers (a filter of tens of thousands of records is never held whole).
   */
  async *briefcase(
    filter: BriefcaseFilter,
    source: CacheSource,
    item: string,
  ): AsyncGenerator<PlannedRecord[]> {
    const view = await this.#views.viewFor(this.userId, filter.sobject)
    const nameField = view.nameField ?? 'Id'
    const limit = filter.limit ?? 200
    const fields = [...new Set(['Id', nameField])]
    const soql = `SELECT ${fields.join(', ')} FROM ${filter.sobject} WHERE ${this.filterWhere(filter)} ORDER BY ${filter.orderBy ?? nameField} LIMIT ${limit}`
    for await (const rows of this.pages(soql, limit)) {
      const parents = await this.records(filter.sobject, rows, source, item)
      yield parents
      const ids = parents.map((p) => p.id)
      for (const rel of filter.related ?? []) {
        const relView = await this.#views.viewFor(this.userId, rel.sobject)
        const relName = relView.nameField ?? 'Id'
        const max = rel.limit ?? 500
        for (const part of chunks(ids, MAX_IDS_PER_QUERY)) {
          const cond = `${rel.field} IN (${part.map(soqlQuote).join(', ')})${rel.where ? ` AND (${rel.where})` : ''}`
          const related = await this.query(
            `SELECT ${[...new Set(['Id', relName, rel.field])].join(', ')} FROM ${rel.sobject} WHERE ${cond} LIMIT ${max}`,
            max,
          )
          yield await this.records(rel.sobject, related, source, item, (row) =>
            typeof row[rel.field] === 'string'
              ? `${filter.sobject}/${row[rel.field] as string}`
              : undefined,
          )
        }
      }
    }
  }

  /** A list view's records (up to 200). */
  async listView(sobject: string, id: string, item: string): Promise<PlannedRecord[]> {
    const view = await this.#views.viewFor(this.userId, sobject)
    const result = await this.get<{
      records: { columns: { fieldNameOrPath: string; value: string | null }[] }[]
    }>(`/sobjects/${sobject}/listviews/${encodeURIComponent(id)}/results?limit=200`)
    const rows = result.records.map((r) => {
      const row: Record<string, unknown> = {}
      for (const col of r.columns) row[col.fieldNameOrPath] = col.value
      if (view.nameField && row[view.nameField] === undefined)
        row[view.nameField] = r.columns[0]?.value
      return row
    })
    return this.records(sobject, rows, 'preference', item)
  }

  /** The user's dashboards, most recently viewed first. */
  async dashboards(): Promise<{ id: string; name: string }[]> {
    return this.get<{ id: string; name: string }[]>('/analytics/dashboards')
  }

  /** A dashboard's results as a snapshot. */
  async dashboard(
    id: string,
    title: string,
    item: string,
    takenAt: string,
  ): Promise<PlannedDashboard> {
    const snapshot = await this.get<unknown>(`/analytics/dashboards/${encodeURIComponent(id)}`)
    return { id, title, item, snapshot, takenAt }
  }
}
