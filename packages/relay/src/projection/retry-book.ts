import type { BackoffOptions } from './backoff.js'
import { backoffDelay } from './backoff.js'

interface Retry {
  attempt: number
  at: number
}

/**
 * The records waiting to be retried after a transient failure (in memory: after a restart every
 * record is tried again at once), with exponential backoff per record, and an org-wide pause for
 * API limits.
 */
export class RetryBook {
  readonly #retries = new Map<string, Retry>()
  readonly #backoff: BackoffOptions
  #pausedUntil = 0

  constructor(backoff: BackoffOptions) {
    this.#backoff = backoff
  }

  /** Records a failure of `key` at `now`; returns the attempt number it was. */
  fail(key: string, now: number): number {
    const attempt = (this.#retries.get(key)?.attempt ?? 0) + 1
    this.#retries.set(key, { attempt, at: now + backoffDelay(attempt, this.#backoff) })
    return attempt
  }

  /** Pauses everything (API limits) for the backoff of the given attempt. */
  pause(now: number, attempt: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, now + backoffDelay(attempt, this.#backoff))
  }

  /** Forgets `key` after a success (or a definite error). */
  clear(key: string): void {
    this.#retries.delete(key)
  }

  attempts(key: string): number {
    return this.#retries.get(key)?.attempt ?? 0
  }

  /** Keys whose retry time has not come. */
  waiting(now: number): Set<string> {
    const out = new Set<string>()
    for (const [key, r] of this.#retries) if (r.at > now) out.add(key)
    return out
  }

  /** When the org-wide pause ends (0 when none). */
  pausedUntil(): number {
    return this.#pausedUntil
  }

  /** The earliest retry time among `keys`, or undefined when none of them waits. */
  next(keys: Iterable<string>): number | undefined {
    let min: number | undefined
    for (const key of keys) {
      const r = this.#retries.get(key)
      if (r && (min === undefined || r.at < min)) min = r.at
    }
    return min
  }
}
