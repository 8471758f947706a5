import type { ProjectionLogger } from './ports.js'

/** Salesforce's daily API usage as the `Sforce-Limit-Info` header tells it (jsforce `limitInfo`). */
export interface ApiUsage {
  used: number
  limit: number
}

/** Options of {@link ApiBudget}. */
export interface ApiBudgetOptions {
  /**
   * Below this share of the daily allowance left, the coalescing windows stretch (default 0.1:
   * 10 %): twice as long under the reserve, four times under half of it, and so on (doubling as
   * the remainder halves), up to `maxStretch`.
   */
  reserve?: number
  /** The longest stretch of the windows (default 16). */
  maxStretch?: number
  logger?: ProjectionLogger
  /** Told every new stretch factor (the write schedule's). */
  onStretch?: (factor: number) => void
}

/**
 * The org's API allowance as last read from a response (every Salesforce response carries
 * `Sforce-Limit-Info: api-usage=used/limit`; the allowance is org-wide, so any user's reading
 * counts), and how much to stretch the coalescing windows to keep a reserve for the org's other
 * integrations. Logs each change of stretch.
 *
 * @example
 * ```ts
 * const budget = new ApiBudget({ onStretch: (f) => schedule.stretch(f) })
 * budget.observe({ used: 92_000, limit: 100_000 }) // 8 % left: windows twice as long
 * budget.observe({ used: 96_000, limit: 100_000 }) // 4 % left: four times
 * ```
 */
export class ApiBudget {
  readonly #reserve: number
  readonly #maxStretch: number
  readonly #logger: ProjectionLogger | undefined
  readonly #onStretch: ((factor: number) => void) | undefined
  #usage: ApiUsage | undefined
  #stretch = 1

  constructor(options: ApiBudgetOptions = {}) {
    this.#reserve = options.reserve ?? 0.1
    this.#maxStretch = options.maxStretch ?? 16
    this.#logger = options.logger
    this.#onStretch = options.onStretch
  }

  /** The last reading, if any. */
  usage(): ApiUsage | undefined {
    return this.#usage
  }

  /** Calls left today, if known. */
  remaining(): number | undefined {
    return this.#usage ? Math.max(0, this.#usage.limit - this.#usage.used) : undefined
  }

  /** The current stretch of the coalescing windows (1: none). */
  get stretch(): number {
    return this.#stretch
  }

  /** Takes a reading (ignores a missing or malformed one). */
  observe(usage: Partial<ApiUsage> | undefined): void {
    const { used, limit } = usage ?? {}
    if (typeof used !== 'number' || typeof limit !== 'number' || limit <= 0) return
    this.#usage = { used, limit }
    const reserve = limit * this.#reserve
    const left = Math.max(0, limit - used)
    // Doubling steps (2 under the reserve, 4 under half of it…), so that the log tells each
    // change once rather than at every call.
    const steps = left >= reserve ? 0 : Math.ceil(Math.log2(reserve / Math.max(left, 0.5)))
    const factor = Math.min(this.#maxStretch, 2 ** Math.max(steps, left >= reserve ? 0 : 1))
    if (factor === this.#stretch) return
    this.#stretch = factor
    this.#onStretch?.(factor)
    const data = { used, limit, remaining: left, reserve: Math.round(reserve), stretch: factor }
    if (factor > 1)
      this.#logger?.warn(data, 'Salesforce API allowance under the reserve: writes coalesce longer')
    else
      this.#logger?.info(
        data,
        'Salesforce API allowance above the reserve: writes coalesce as usual',
      )
  }
}
