import type { CachePlan, OfflineItem, PlannedDashboard, PlannedRecord } from '@briefcase/protocol'
import type { Logger } from 'pino'
import type { DocHub } from '../docs/doc-hub.js'
import type { DocResolver } from '../docs/doc-resolver.js'
import type { SalesforceSessions } from '../salesforce/connections.js'
import type { ObjectViews } from '../salesforce/object-views.js'
import type { RecordAccess } from '../salesforce/record-access.js'
import type { RelayStore } from '../store/relay-store.js'
import type { BriefcaseFilter } from './briefcase-filters.js'
import { describeFilter } from './briefcase-filters.js'
import { CacheQueries } from './cache-queries.js'

/** Salesforce's default cache: this many recent records of each of this many recent objects. */
const DEFAULT_RECORDS_PER_OBJECT = 30
const DEFAULT_OBJECTS = 5
const DEFAULT_DASHBOARDS = 5
/** Records an object-tab preference brings. */
const TAB_RECORDS = 50
/** Planned records resolved (loaded, written, released) at a time. */
const PLAN_STEP = 500

/** Options of {@link CachePlanner}. */
export interface CachePlannerOptions {
  sessions: SalesforceSessions
  views: ObjectViews
  access: RecordAccess
  resolver: DocResolver
  hub: DocHub
  store: RelayStore
  logger: Logger
  now: () => number
  filters: readonly BriefcaseFilter[]
}

/**
 * What to cache: the offline items a user may choose, and the cache plan (the user's preferences,
 * or Salesforce's default policy when there are none), with every planned record's document
 * created from Salesforce where the relay lacks it.
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

  /** The cache plan for the user, documents created where missing. */
  async plan(userId: string): Promise<CachePlan> {
    const q = await this.#queries(userId)
    const prefs = await this.#o.store.getPreferences(userId)
    const usingDefault = prefs === null || prefs.length === 0
    const takenAt = new Date(this.#o.now()).toISOString()
    const records: PlannedRecord[] = []
    const dashboards: PlannedDashboard[] = []
    if (usingDefault) {
      const tabs = await q.tabObjects()
      for (const sobject of await q.recentObjects(tabs, DEFAULT_OBJECTS)) {
        records.push(
          ...(await q.recentRecords(
            sobject,
            DEFAULT_RECORDS_PER_OBJECT,
            'default',
            `recent:${sobject}`,
          )),
        )
      }
      records.push(...(await q.myTasks('default', 'myTasks')))
      for (const d of (await q.dashboards()).slice(0, DEFAULT_DASHBOARDS)) {
        dashboards.push(await q.dashboard(d.id, d.name, 'recent:dashboards', takenAt))
      }
    } else {
      const known = usingDefault ? [] : await q.dashboards()
      for (const item of prefs) {
        const [kind, a, b] = item.split(':')
        if (kind === 'object' && a)
          records.push(...(await q.recentRecords(a, TAB_RECORDS, 'preference', item)))
        else if (kind === 'listView' && a && b) records.push(...(await q.listView(a, b, item)))
        else if (kind === 'myTasks') records.push(...(await q.myTasks('preference', item)))
        else if (kind === 'briefcase' && a) {
          const filter = this.#o.filters.find((f) => f.id === a)
          if (filter) records.push(...(await q.briefcase(filter, 'briefcase', item)))
        } else if (kind === 'dashboard' && a) {
          const d = known.find((x) => x.id === a)
          if (d) dashboards.push(await q.dashboard(d.id, d.name, item, takenAt))
        }
      }
    }
    const planned = await this.#ensureDocs(userId, dedupe(records))
    return { generatedAt: takenAt, usingDefault, records: planned, dashboards }
  }

  /**
   * Creates the documents the relay lacks (loaded from Salesforce in batches) and names each
   * record by its existing document (a record created offline keeps its draft-key name).
   */
  async #ensureDocs(userId: string, records: PlannedRecord[]): Promise<PlannedRecord[]> {
    const named: PlannedRecord[] = []
    for (const r of records) {
      const existing = await this.#o.store.findBySalesforceId(r.sobject, r.id)
      const doc = existing.find((m) => m.name !== `${r.sobject}/${r.id}`)?.name ?? r.doc
      named.push({ ...r, doc })
    }
    // In steps, so that a plan of tens of thousands of records never holds them all in memory.
    const resolved: Awaited<ReturnType<DocResolver['resolve']>> = []
    for (let at = 0; at < named.length; at += PLAN_STEP) {
      const step = await this.#o.resolver.resolve(
        userId,
        named.slice(at, at + PLAN_STEP).map((r) => r.doc),
        { createDrafts: () => false, transient: true },
      )
      try {
        for (const r of step) if (r.ok) r.init?.()
        await this.#o.hub.flush('written')
      } finally {
        for (const r of step) if (r.ok) this.#o.hub.release(r.hot)
      }
      resolved.push(...step)
    }
    const refused = resolved.filter((r) => !r.ok)
    if (refused.length > 0) {
      this.#o.logger.info({ user: userId, refused: refused.length }, 'cache plan left out records')
    }
    return named.filter((_, i) => resolved[i]?.ok === true)
  }
}

function dedupe(records: readonly PlannedRecord[]): PlannedRecord[] {
  const seen = new Set<string>()
  return records.filter((r) => (seen.has(r.doc) ? false : (seen.add(r.doc), true)))
}
