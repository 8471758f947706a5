/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** First delay in ms (default 500). */
  baseMs?: number
  /** Largest delay in ms (default 60 000). */
  maxMs?: number
  /** A number in [0, 1) (default `Math.random`). */
  random?: () => number
}

/**
 * The delay before retry number `attempt` (1 for the first retry): exponential with "equal
 * jitter", between half and all of `min(maxMs, baseMs * 2^(attempt-1))`, so retries of many
 * records spread out but never come back at once.
 *
 * @example
 * ```ts
 * backoffDelay(3, { baseMs: 500, random: () => 0 }) // 1000 (half of 2000)
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500
  const max = options.maxMs ?? 60_000
  const random = options.random ?? Math.random
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
