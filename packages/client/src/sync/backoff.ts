/**
 * The delay before retry number `attempt` (0-based): exponential from `min` up to `max`, with
 * full jitter (uniform in [0, cap]) so that many devices reconnecting after an outage spread out.
 *
 * @example
 * ```ts
 * backoffDelay(3, 500, 30_000, Math.random) // uniform in [0, 4000)
 * ```
 */
export function backoffDelay(
  attempt: number,
  min: number,
  max: number,
  random: () => number,
): number {
  const cap = Math.min(max, min * 2 ** Math.min(attempt, 30))
  return Math.floor(random() * cap)
}
