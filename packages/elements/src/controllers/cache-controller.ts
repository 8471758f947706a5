import type { BriefcaseClient, CacheEntry, CachedDashboard, RefreshResult } from '@briefcase/client'
import { errorMessage } from '../format/error-message.js'
import { ClientController } from './client-controller.js'
import { LatestLoad } from './latest-load.js'

/** Progress of a running refresh. */
export interface RefreshProgress {
  done: number
  total: number
}

/**
 * Brings the cached records (from the cache index only) and dashboards, follows refresh
 * progress, and refreshes on demand.
 *
 * @example
 * ```ts
 * class MyCache extends LitElement {
 *   #cache = new CacheController(this)
 *   render() { return html`${this.#cache.entries.length} records` }
 * }
 * ```
 */
export class CacheController extends ClientController {
  /**
   * Cached records, most recently accessed first. Deleted records are left out at once (the
   * pending list keeps a delete until Salesforce has it).
   */
  entries: CacheEntry[] = []
  dashboards: CachedDashboard[] = []
  /** Progress of the refresh this element started, or of any bulk sync while it runs. */
  progress: RefreshProgress | null = null
  /** True while a refresh this element started runs. */
  refreshing = false
  /** The last refresh this element ran. */
  lastResult: RefreshResult | null = null
  /** False until the first listing arrived. */
  loaded = false
  /** Plural labels of the cached objects (`Site Visits` for `Site_Visit__c`), where known. */
  pluralLabels: ReadonlyMap<string, string> = new Map()
  #load = new LatestLoad(
    async () => {
      const client = this.client
      if (!client) return { entries: [], dashboards: [], labels: new Map<string, string>() }
      const [entries, dashboards] = await Promise.all([client.listCache(), client.dashboards()])
      const objects = [...new Set(entries.map((e) => e.sobject))]
      // The schemas are kept with the cache; one that is not (offline) leaves the API name.
      const labels = new Map(
        await Promise.all(
          objects.map(
            async (o) =>
              [
                o,
                await client.schema(o).then(
                  (s) => s.labelPlural,
                  () => o,
                ),
              ] as const,
          ),
        ),
      )
      return { entries, dashboards, labels }
    },
    ({ entries, dashboards, labels }) => {
      this.entries = entries.filter((e) => !e.deleted)
      this.dashboards = dashboards
      this.pluralLabels = labels
      this.loaded = true
      this.host.requestUpdate()
    },
    (error) => {
      this.error = errorMessage(error)
      this.host.requestUpdate()
    },
  )

  protected attach(client: BriefcaseClient): () => void {
    const onChange = (): void => this.#load.schedule()
    const onProgress = (event: { done: number; total: number }): void => {
      const finished = event.done >= event.total && !this.refreshing
      // A refresh started elsewhere (saving preferences, another tab): this one's result is old.
      if (!this.refreshing) this.lastResult = null
      this.progress = finished ? null : { done: event.done, total: event.total }
      this.host.requestUpdate()
    }
    client.addEventListener('cache-change', onChange)
    client.addEventListener('refresh-progress', onProgress)
    this.#load.schedule()
    return () => {
      client.removeEventListener('cache-change', onChange)
      client.removeEventListener('refresh-progress', onProgress)
    }
  }

  protected override cameOnline(): void {
    this.#load.schedule()
  }

  protected reset(): void {
    this.#load.cancel()
    this.entries = []
    this.dashboards = []
    this.progress = null
    this.loaded = false
  }

  /** Asks the relay for the cache plan and syncs every cached record (with progress). */
  async refresh(): Promise<RefreshResult | undefined> {
    const client = this.client
    if (!client || this.refreshing) return undefined
    this.refreshing = true
    this.progress = { done: 0, total: 0 }
    this.host.requestUpdate()
    const result = await this.guard(() => client.refresh())
    this.refreshing = false
    this.progress = null
    if (result) this.lastResult = result
    await this.#load.run()
    return result
  }
}
