import { DAY } from './datetime.js'

/** The daily API request allowance (DailyApiRequests), reset at midnight UTC by the org clock. */
export interface ApiLimits {
  readonly max: number
  /** Requests used today. */
  used(now: number): number
  /** Counts one request; false (and nothing counted) when today's allowance is spent. */
  consume(now: number): boolean
  /** Forgets today's usage. */
  reset(): void
  /** `api-usage=<used>/<max>`, the Sforce-Limit-Info header value. */
  header(now: number): string
}

/** Creates the daily limit counter. */
export function createApiLimits(max: number): ApiLimits {
  let day = -1
  let count = 0
  const roll = (now: number): void => {
    const today = Math.floor(now / DAY)
    if (today !== day) {
      day = today
      count = 0
    }
  }
  return {
    max,
    used: (now) => {
      roll(now)
      return count
    },
    consume: (now) => {
      roll(now)
      if (count >= max) return false
      count += 1
      return true
    },
    reset: () => {
      day = -1
      count = 0
    },
    header: (now) => {
      roll(now)
      return `api-usage=${count}/${max}`
    },
  }
}
