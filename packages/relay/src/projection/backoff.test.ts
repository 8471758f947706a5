import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.js'

describe('backoffDelay', () => {
  it('doubles up to the ceiling, with jitter between half and all of it', () => {
    const low = (n: number): number => backoffDelay(n, { random: () => 0 })
    const high = (n: number): number => backoffDelay(n, { random: () => 0.999999 })
    expect([1, 2, 3, 4].map(low)).toEqual([250, 500, 1000, 2000])
    expect([1, 2, 3, 4].map(high)).toEqual([500, 1000, 2000, 4000])
    expect(high(30)).toBe(60_000)
    expect(low(30)).toBe(30_000)
  })
})
