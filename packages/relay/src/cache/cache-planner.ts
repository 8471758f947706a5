import type {
  CachePlan,
  CachePlanLine,
  OfflineItem,
  PlannedDashboard,
  PlannedRecord,
} from '@briefcase/protocol'
import type { Logger } from 'pino'
import type { SalesforceSessions } from '../salesforce/connections.js'
import type { ObjectViews } from '../salesforce/object-views.js'
import type { RecordAccess } from '../salesforce/record-access.js'
import { selectFields } from '../salesforce/server-record.js'
import type { RelayStore } from '../store/relay-store.js'
import type { BriefcaseFilter } from './briefcase-filters.js'
import { describeFilter } from './briefcase-filters.js'
import { CacheQueries } from './cache-queries.js'
import type { FillStreams } from './fill-streams.js'

/** Salesforce's default cache: this many recent records of each of this many recent objects. */
const DEFAULT_RECORDS_PER_OBJECT = 30
const DEFAULT_OBJECTS = 5
const DEFAULT_DASHBOARDS = 5
/** Records an object-tab preference brings. */
const TAB_RECORDS = 50
/**
 * A briefcase filter planning at least this many records of its object has them loaded through a
 * fill stream (one query, page by page), not by Id (two queries of 200 Ids or more).
 */
const FILL_STREAM_MIN = 400

/** Options of {@link CachePlanner}. */
export interface CachePlannerOptions {
  sessions: SalesforceSessions
  views: ObjectViews
  access: RecordAccess
  store: RelayStore
  logger: Logger
  now: () => number
  filters: readonly BriefcaseFilter[]
  /** Where large filters' records are streamed from when the bulk sync loads them. */
  fill: FillStreams
}

/**
 * What to cache: the offline items a user may choose, and the cache plan (the user's preferences,
 * or Salesforce's default policy when there are none). The plan names records (Ids and names,
 * from queries run with the user's authority) and creates no document: the bulk sync that follows
 * loads the records the relay lacks, as the device asks for them.
 */
export class CachePlanner {
  readonly #o: CachePlannerOptions

  constructor(options: CachePlannerOptions) {
    this.#o = options
  }
  /** The filters offered. */
  get filters(): readonly BriefcaseFilter[] {
    return this.#o.filters
  }

  async #queries(userId: string): Promise<CacheQueries> {
    const conn = await this.#o.sessions.connectionFor(userId)
    return new CacheQueries(conn, userId, this.#o.views, this.#o.access)
  }

  /** What the user can choose as offline preferences. */
  async offlineItems(userId: string): Promise<OfflineItem[]> {
    const q = await this.#queries(userId)
    const tabs = await q.tabObjects()
    const recent = await q.recentObjects(tabs, DEFAULT_OBJECTS)
    const ordered = [...recent, ...[...tabs.keys()].filter((t) => !recent.includes(t)).sort()]
    const items: OfflineItem[] = []
    for (const sobject of ordered) {
      const t = tabs.get(sobject)
      if (t) items.push({ id: `object:${sobject}`, kind: 'object', label: t.labelPlural, sobject })
    }
    for (const sobject of recent) {
      const list = await q
        .get<{ listviews: { id: string; label: string }[] }>(`/sobjects/${sobject}/listviews`)
        .catch(() => ({ listviews: [] }))
      for (const v of list.listviews) {
        items.push({
          id: `listView:${sobject}:${v.id}`,
          kind: 'listView',
          label: `${tabs.get(sobject)?.labelPlural ?? sobject}: ${v.label}`,
          sobject,
        })
      }
    }
    for (const f of this.#o.filters) {
      const description = describeFilter(f)
      items.push({
        id: `briefcase:${f.id}`,
        kind: 'briefcase',
        label: f.label,
        sobject: f.sobject,
        ...(description ? { description } : {}),
      })
    }
    items.push({ id: 'myTasks', kind: 'myTasks', label: 'My Tasks', sobject: 'Task' })
    for (const d of await q.dashboards()) {
      items.push({ id: `dashboard:${d.id}`, kind: 'dashboard', label: d.name })
    }
    return items
  }

  /** The cache plan for the user, whole ({@link CachePlanner.planLines} collected). */
  async plan(userId: string): Promise<CachePlan> {
    let head: { generatedAt: string; usingDefault: boolean } | undefined
    const records: PlannedRecord[] = []
    const dashboards: PlannedDashboard[] = []
    for await (const line of this.planLines(userId)) {
      if ('head' in line) head = line.head
      else if ('records' in line) records.push(...line.records)
      else if ('dashboard' in line) dashboards.push(line.dashboard)
    }
    if (!head) throw new Error('A cache plan without its head.')
    return { ...head, records, dashboards }
  }

  /**
   * The cache plan for the user as lines, page by page as Salesforce answers: the head, the
   * planned records (each once; a record created offline named by its draft-key document), the
   * dashboards, and the end with the count of records. Throws a `RelayError` when Salesforce
   * cannot answer (the route turns it into an `aborted` line once lines were sent).
   */
  async *planLines(userId: string): AsyncGenerator<CachePlanLine> {
    const q = await this.#queries(userId)
    const prefs = await this.#o.store.getPreferences(userId)
    const usingDefault = prefs === null || prefs.length === 0
    const takenAt = new Date(this.#o.now()).toISOString()
    yield { head: { generatedAt: takenAt, usingDefault } }
    const seen = new Set<string>()
    let count = 0
    for await (const page of this.#recordPages(q, prefs ?? [], usingDefault)) {
      const fresh = page.filter((r) => (seen.has(r.doc) ? false : (seen.add(r.doc), true)))
      if (fresh.length === 0) continue
      const named = await this.#named(fresh)
      count += named.length
      yield { records: named }
    }
    if (usingDefault) {
      for (const d of (await q.dashboards()).slice(0, DEFAULT_DASHBOARDS)) {
        yield { dashboard: await q.dashboard(d.id, d.name, 'recent:dashboards', takenAt) }
      }
    } else {
      const known = await q.dashboards()
      for (const item of prefs ?? []) {
        const [kind, a] = item.split(':')
        const d = kind === 'dashboard' && a ? known.find((x) => x.id === a) : undefined
        if (d) yield { dashboard: await q.dashboard(d.id, d.name, item, takenAt) }
      }
    }
    yield { end: { records: count } }
  }

  async *#recordPages(
    q: CacheQueries,
    prefs: readonly string[],
    usingDefault: boolean,
  ): AsyncGenerator<PlannedRecord[]> {
    if (usingDefault) {
      const tabs = await q.tabObjects()
      for (const sobject of await q.recentObjects(tabs, DEFAULT_OBJECTS)) {
        yield await q.recentRecords(
          sobject,
          DEFAULT_RECORDS_PER_OBJECT,
          'default',
          `recent:${sobject}`,
        )
      }
      yield await q.myTasks('default', 'myTasks')
      return
    }
    for (const item of prefs) {
      const [kind, a, b] = item.split(':')
      if (kind === 'object' && a) yield await q.recentRecords(a, TAB_RECORDS, 'preference', item)
      else if (kind === 'listView' && a && b) yield await q.listView(a, b, item)
      else if (kind === 'myTasks') yield await q.myTasks('preference', item)
      else if (kind === 'briefcase' && a) {
        const filter = this.#o.filters.find((f) => f.id === a)
        if (!filter) continue
        const parents = new Set<string>()
        for await (const page of q.briefcase(filter, 'briefcase', item)) {
          for (const r of page) if (r.sobject === filter.sobject && !r.parent) parents.add(r.id)
          yield page
        }
        await this.#openFill(q, filter, parents)
      }
    }
  }

  /**
   * Opens a fill stream for a filter that planned many records, when its query selects about
   * those records and no others (the filter's limit did not cut it, or cut little).
   */
  async #openFill(q: CacheQueries, filter: BriefcaseFilter, ids: Set<string>): Promise<void> {
    if (ids.size < FILL_STREAM_MIN) return
    const where = q.filterWhere(filter)
    const limit = filter.limit ?? 200
    if (ids.size >= limit && (await q.count(filter.sobject, where)) > ids.size * 1.25) return
    const view = await this.#o.views.viewFor(q.userId, filter.sobject)
    this.#o.fill.open({
      userId: q.userId,
      sobject: filter.sobject,
      where,
      fields: selectFields(Object.keys(view.group.schema.fields)),
      ids,
    })
  }

  /**
   * Names each record by its existing document: a record created offline keeps its draft-key
   * name.
   */
  async #named(records: readonly PlannedRecord[]): Promise<PlannedRecord[]> {
    const named: PlannedRecord[] = []
    for (const r of records) {
      const existing = await this.#o.store.findBySalesforceId(r.sobject, r.id)
      const doc = existing.find((m) => m.name !== `${r.sobject}/${r.id}`)?.name ?? r.doc
      named.push(doc === r.doc ? r : { ...r, doc })
    }
    return named
  }
}
