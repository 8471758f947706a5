import type * as PromClientModule from 'prom-client'
import type { Counter, Registry } from 'prom-client'
import { DeferredCounter, DeferredGauge, DeferredHistogram } from './deferred-metric.js'

/** prom-client's module, loaded at the first {@link RelayMetrics.registry} call. */
type PromClient = typeof PromClientModule

/** A counter the projector or the puller named (see {@link RelayMetrics.increment}). */
interface DynamicCounter {
  counter: DeferredCounter
  labels: readonly string[]
  /** The name it was first reported under. */
  help: string
}

/** What is made once prom-client is loaded: its module and the registry. */
interface Loaded {
  prom: PromClient
  registry: Registry
}

/**
 * The relay's Prometheus metrics (prom-client), all in one registry that `/metrics` serves. The
 * projector and the puller report through {@link RelayMetrics.increment}.
 *
 * prom-client (with the OpenTelemetry API it loads, some 100 ms) is loaded at the first
 * {@link RelayMetrics.registry} call, not when the relay starts: the relay calls it at the first
 * scrape or a moment after it starts. What is reported before is applied then, in order.
 *
 * @example
 * ```ts
 * const metrics = new RelayMetrics()
 * metrics.commits.inc({ durability: 'synced' })
 * const registry = await metrics.registry()
 * const text = await registry.metrics()
 * ```
 */
export class RelayMetrics {
  readonly httpRequests: DeferredCounter<'method' | 'route' | 'status'> = new DeferredCounter<
    'method' | 'route' | 'status'
  >()
  readonly errors: DeferredCounter<'code'> = new DeferredCounter<'code'>()
  readonly bulkRequests: DeferredCounter = new DeferredCounter()
  readonly bulkDocs: DeferredCounter<'outcome'> = new DeferredCounter<'outcome'>()
  readonly bulkBytes: DeferredCounter<'direction'> = new DeferredCounter<'direction'>()
  readonly bulkSeconds: DeferredHistogram = new DeferredHistogram()
  readonly liveConnections: DeferredGauge = new DeferredGauge()
  readonly liveFrames: DeferredCounter<'direction' | 'type'> = new DeferredCounter<
    'direction' | 'type'
  >()
  readonly liveCloses: DeferredCounter<'code'> = new DeferredCounter<'code'>()
  readonly commits: DeferredCounter<'durability'> = new DeferredCounter<'durability'>()
  readonly commitSeconds: DeferredHistogram<'durability'> = new DeferredHistogram<'durability'>()
  readonly committedUpdates: DeferredCounter = new DeferredCounter()
  readonly salesforceLoads: DeferredCounter<'sobject'> = new DeferredCounter<'sobject'>()
  readonly #dynamic = new Map<string, DynamicCounter>()
  /** Gauges read at each scrape, made once prom-client is loaded. */
  readonly #watchers: ((loaded: Loaded) => void)[] = []
  readonly #given: Registry | undefined
  #loading: Promise<Registry> | undefined
  #loaded: Loaded | undefined

  /** `registry`: the one `/metrics` serves (default a new one). */
  constructor(registry?: Registry) {
    this.#given = registry
  }

  /** The registry `/metrics` serves, with every metric; loads prom-client at the first call. */
  registry(): Promise<Registry> {
    this.#loading ??= import('prom-client').then((prom) => this.#load(prom))
    return this.#loading
  }

  #load(prom: PromClient): Registry {
    const registry = this.#given ?? new prom.Registry()
    // prom-client's process metrics (CPU, memory, event loop lag, GC, handles), once per registry.
    if (!registry.getSingleMetric('process_cpu_user_seconds_total'))
      prom.collectDefaultMetrics({ register: registry })
    const registers = [registry]
    this.httpRequests.bind(
      new prom.Counter({
        name: 'briefcase_http_requests_total',
        help: 'HTTP requests served, by method, route and status.',
        labelNames: ['method', 'route', 'status'],
        registers,
      }),
    )
    this.errors.bind(
      new prom.Counter({
        name: 'briefcase_errors_total',
        help: 'Errors reported to devices, by code (bulk per-document errors and live closes included).',
        labelNames: ['code'],
        registers,
      }),
    )
    this.bulkRequests.bind(
      new prom.Counter({
        name: 'briefcase_bulk_requests_total',
        help: 'Bulk sync requests.',
        registers,
      }),
    )
    this.bulkDocs.bind(
      new prom.Counter({
        name: 'briefcase_bulk_docs_total',
        help: 'Documents in bulk sync requests, by outcome (ok; unchanged: device and relay agreed, not loaded; error).',
        labelNames: ['outcome'],
        registers,
      }),
    )
    this.bulkBytes.bind(
      new prom.Counter({
        name: 'briefcase_bulk_bytes_total',
        help: 'Bulk sync bytes, by direction (in, out).',
        labelNames: ['direction'],
        registers,
      }),
    )
    this.bulkSeconds.bind(
      new prom.Histogram({
        name: 'briefcase_bulk_duration_seconds',
        help: 'Time to answer a bulk sync request (durable commit included).',
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers,
      }),
    )
    this.liveConnections.bind(
      new prom.Gauge({
        name: 'briefcase_live_connections',
        help: 'Open live-sync WebSocket connections.',
        registers,
      }),
    )
    this.liveFrames.bind(
      new prom.Counter({
        name: 'briefcase_live_frames_total',
        help: 'Live-sync frames, by direction and y-protocols message type.',
        labelNames: ['direction', 'type'],
        registers,
      }),
    )
    this.liveCloses.bind(
      new prom.Counter({
        name: 'briefcase_live_closes_total',
        help: 'Live-sync connections the relay closed, by WebSocket close code.',
        labelNames: ['code'],
        registers,
      }),
    )
    this.commits.bind(
      new prom.Counter({
        name: 'briefcase_store_commits_total',
        help: 'Store transactions of the document hub, by durability (synced: fsynced; written: in the WAL).',
        labelNames: ['durability'],
        registers,
      }),
    )
    this.commitSeconds.bind(
      new prom.Histogram({
        name: 'briefcase_store_commit_duration_seconds',
        help: 'Time of a store transaction of the document hub, by durability.',
        labelNames: ['durability'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        registers,
      }),
    )
    this.committedUpdates.bind(
      new prom.Counter({
        name: 'briefcase_store_updates_total',
        help: 'Document updates made durable.',
        registers,
      }),
    )
    this.salesforceLoads.bind(
      new prom.Counter({
        name: 'briefcase_salesforce_loaded_records_total',
        help: 'Records loaded from Salesforce into new documents, by object.',
        labelNames: ['sobject'],
        registers,
      }),
    )
    const loaded = { prom, registry }
    this.#loaded = loaded
    for (const watch of this.#watchers.splice(0)) watch(loaded)
    for (const [metric, entry] of this.#dynamic)
      entry.counter.bind(this.#dynamicCounter(loaded, metric, entry))
    return registry
  }

  /** Makes a gauge now if prom-client is loaded, else when it is. */
  #watch(make: (loaded: Loaded) => void): void {
    if (this.#loaded) make(this.#loaded)
    else this.#watchers.push(make)
  }

  #dynamicCounter(loaded: Loaded, metric: string, entry: DynamicCounter): Counter<string> {
    const existing = loaded.registry.getSingleMetric(metric)
    return existing instanceof loaded.prom.Counter
      ? existing
      : new loaded.prom.Counter({
          name: metric,
          help: `${entry.help} (reported by the projector or the puller).`,
          labelNames: entry.labels,
          registers: [loaded.registry],
        })
  }

  /** Reports how many documents the hub holds in memory (read at each scrape). */
  watchHotDocuments(count: () => number): void {
    this.#watch(({ prom, registry }) => {
      if (registry.getSingleMetric('briefcase_hot_documents')) return
      new prom.Gauge({
        name: 'briefcase_hot_documents',
        help: 'Record documents held in memory by the document hub.',
        registers: [registry],
        collect() {
          this.set(count())
        },
      })
    })
  }

  /**
   * Reports the org's daily Salesforce API usage as last read from `Sforce-Limit-Info` (read at
   * each scrape): `briefcase_salesforce_api_used`, `…_remaining` and `…_limit` (absent until a
   * first answer).
   */
  watchSalesforceApi(read: () => { used: number; limit: number } | undefined): void {
    this.#watch(({ prom, registry }) => {
      if (registry.getSingleMetric('briefcase_salesforce_api_used')) return
      const gauge = (
        name: string,
        help: string,
        value: (u: { used: number; limit: number }) => number,
      ) =>
        new prom.Gauge({
          name,
          help,
          registers: [registry],
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
    })
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
      entry = { counter: new DeferredCounter(), labels: labelNames, help: name }
      this.#dynamic.set(metric, entry)
      if (this.#loaded) entry.counter.bind(this.#dynamicCounter(this.#loaded, metric, entry))
    }
    const values: Record<string, string> = {}
    for (const l of entry.labels) values[l] = labels[l] ?? ''
    entry.counter.inc(values, value)
  }
}
