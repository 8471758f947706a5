import type { Counter, Gauge, Histogram } from 'prom-client'

/** Label values of a metric, as prom-client takes them. */
export type MetricLabels<T extends string> = Partial<Record<T, string | number>>

/**
 * A metric whose prom-client object is made once prom-client is loaded: what is reported before
 * is kept, in order, and applied to it then ({@link Deferred.bind}); after, calls go straight to
 * it. Nothing reported is lost, only read later.
 */
class Deferred<M> {
  #metric: M | undefined
  #queue: ((metric: M) => void)[] = []

  /** Gives the metric its prom-client object and applies what was reported before. */
  bind(metric: M): void {
    this.#metric = metric
    for (const op of this.#queue.splice(0)) op(metric)
  }

  protected apply(op: (metric: M) => void): void {
    if (this.#metric) op(this.#metric)
    else this.#queue.push(op)
  }
}

/** A prom-client `Counter`, made when prom-client is loaded. */
export class DeferredCounter<T extends string = string> extends Deferred<Counter<T>> {
  /** Adds `value` (default 1), with labels or without. */
  inc(labels?: MetricLabels<T> | number, value?: number): void {
    this.apply((m) => (typeof labels === 'object' ? m.inc(labels, value) : m.inc(labels)))
  }
}

/** A prom-client `Gauge` (label-less), made when prom-client is loaded. */
export class DeferredGauge extends Deferred<Gauge> {
  inc(value?: number): void {
    this.apply((m) => m.inc(value))
  }

  dec(value?: number): void {
    this.apply((m) => m.dec(value))
  }
}

/** A prom-client `Histogram`, made when prom-client is loaded. */
export class DeferredHistogram<T extends string = string> extends Deferred<Histogram<T>> {
  /** Observes `value`, with labels or without. */
  observe(labels: MetricLabels<T> | number, value?: number): void {
    this.apply((m) =>
      typeof labels === 'object' ? m.observe(labels, value ?? 0) : m.observe(labels),
    )
  }

  /** Starts a timer; its end observes the seconds since, and returns them (as prom-client's). */
  startTimer(labels: MetricLabels<T> = {}): (end?: MetricLabels<T>) => number {
    const start = performance.now()
    return (end = {}) => {
      const seconds = (performance.now() - start) / 1000
      this.observe({ ...labels, ...end }, seconds)
      return seconds
    }
  }
}
