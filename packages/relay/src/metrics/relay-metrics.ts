import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * The relay's Prometheus metrics (prom-client), all in one registry that `/metrics` serves. The
 * projector and the puller report through {@link RelayMetrics.increment}.
 */
export class RelayMetrics {
  readonly registry: Registry
  readonly httpRequests: Counter<'method' | 'route' | 'status'>
  readonly errors: Counter<'code'>
  readonly bulkRequests: Counter
  readonly bulkDocs: Counter<'outcome'>
  readonly bulkBytes: Counter<'direction'>
  readonly bulkSeconds: Histogram
  readonly liveConnections: Gauge
  readonly liveFrames: Counter<'direction' | 'type'>
  readonly liveCloses: Counter<'code'>
  readonly commits: Counter<'durability'>
  readonly commitSeconds: Histogram<'durability'>
  readonly committedUpdates: Counter
  readonly salesforceLoads: Counter<'sobject'>
  readonly #dynamic = new Map<string, { counter: Counter<string>; labels: readonly string[] }>()

  constructor(registry: Registry = new Registry()) {
    this.registry = registry
    // prom-client's process metrics (CPU, memory, event loop lag, GC, handles), once per registry.
    if (!registry.getSingleMetric('process_cpu_user_seconds_total'))
      collectDefaultMetrics({ register: registry })
    const registers = [registry]
    this.httpRequests = new Counter({
      name: 'briefcase_http_requests_total',
      help: 'HTTP requests served, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    })
    this.errors = new Counter({
      name: 'briefcase_errors_total',
      help: 'Errors reported to devices, by code (bulk per-document errors and live closes included).',
      labelNames: ['code'],
      registers,
    })
    this.bulkRequests = new Counter({
      name: 'briefcase_bulk_requests_total',
      help: 'Bulk sync requests.',
      registers,
    })
    this.bulkDocs = new Counter({
      name: 'briefcase_bulk_docs_total',
      help: 'Documents in bulk sync requests, by outcome (ok; unchanged: device and relay agreed, not loaded; error).',
      labelNames: ['outcome'],
      registers,
    })
    this.bulkBytes = new Counter({
      name: 'briefcase_bulk_bytes_total',
      help: 'Bulk sync bytes, by direction (in, out).',
      labelNames: ['direction'],
      registers,
    })
    this.bulkSeconds = new Histogram({
      name: 'briefcase_bulk_duration_seconds',
      help: 'Time to answer a bulk sync request (durable commit included).',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    })
    this.liveConnections = new Gauge({
      name: 'briefcase_live_connections',
      help: 'Open live-sync WebSocket connections.',
      registers,
    })
    this.liveFrames = new Counter({
      name: 'briefcase_live_frames_total',
      help: 'Live-sync frames, by direction and y-protocols message type.',
      labelNames: ['direction', 'type'],
      registers,
    })
    this.liveCloses = new Counter({
      name: 'briefcase_live_closes_total',
      help: 'Live-sync connections the relay closed, by WebSocket close code.',
      labelNames: ['code'],
      registers,
    })
    this.commits = new Counter({
      name: 'briefcase_store_commits_total',
      help: 'Store transactions of the document hub, by durability (synced: fsynced; written: in the WAL).',
      labelNames: ['durability'],
      registers,
    })
    this.commitSeconds = new Histogram({
      name: 'briefcase_store_commit_duration_seconds',
      help: 'Time of a store transaction of the document hub, by durability.',
      labelNames: ['durability'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    })
    this.committedUpdates = new Counter({
      name: 'briefcase_store_updates_total',
      help: 'Document updates made durable.',
      registers,
    })
    this.salesforceLoads = new Counter({
      name: 'briefcase_salesforce_loaded_records_total',
      help: 'Records loaded from Salesforce into new documents, by object.',
      labelNames: ['sobject'],
      registers,
    })
  }

  /** Reports how many documents the hub holds in memory (read at each scrape). */
  watchHotDocuments(count: () => number): void {
    if (this.registry.getSingleMetric('briefcase_hot_documents')) return
    new Gauge({
      name: 'briefcase_hot_documents',
      help: 'Record documents held in memory by the document hub.',
      registers: [this.registry],
      collect() {
        this.set(count())
      },
    })
  }

  /**
   * Reports the org's daily Salesforce API usage as last read from `Sforce-Limit-Info` (read at
   * each scrape): `briefcase_salesforce_api_used`, `…_remaining` and `…_limit` (absent until a
   * first answer).
   */
  watchSalesforceApi(read: () => { used: number; limit: number } | undefined): void {
    if (this.registry.getSingleMetric('briefcase_salesforce_api_used')) return
    const gauge = (
      name: string,
      help: string,
      value: (u: { used: number; limit: number }) => number,
    ) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const usage = read()
          if (usage) this.set(value(usage))
        },
      })
    gauge(
      'briefcase_salesforce_api_used',
      'Salesforce API requests used today (org-wide).',
      (u) => u.used,
    )
    gauge(
      'briefcase_salesforce_api_remaining',
      'Salesforce API requests left today (org-wide).',
      (u) => Math.max(0, u.limit - u.used),
    )
    gauge(
      'briefcase_salesforce_api_limit',
      'Salesforce daily API request allowance.',
      (u) => u.limit,
    )
  }

  /**
   * Adds to a counter named `briefcase_<name>_total` (`name` may already carry the prefix and the
   * suffix; created on first use, with the label names of that first call). Used by the projector
   * and the puller.
   */
  increment(name: string, labels: Readonly<Record<string, string>> = {}, value = 1): void {
    const base = name
      .replace(/[^a-zA-Z0-9_]/g, '_')
      .replace(/^briefcase_/, '')
      .replace(/_total$/, '')
    const metric = `briefcase_${base}_total`
    let entry = this.#dynamic.get(metric)
    if (!entry) {
      const labelNames = Object.keys(labels)
        .filter((l) => /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l))
        .sort()
      const existing = this.registry.getSingleMetric(metric)
      const counter =
        existing instanceof Counter
          ? existing
          : new Counter({
              name: metric,
              help: `${name} (reported by the projector or the puller).`,
              labelNames,
              registers: [this.registry],
            })
      entry = { counter, labels: labelNames }
      this.#dynamic.set(metric, entry)
    }
    const values: Record<string, string> = {}
    for (const l of entry.labels) values[l] = labels[l] ?? ''
    entry.counter.inc(values, value)
  }
}
