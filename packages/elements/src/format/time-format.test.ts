import { describe, expect, it } from 'vitest'
import { relativeTime } from './time-format.js'

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0)
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

describe('relativeTime', () => {
  it('rounds the past down', () => {
    expect(relativeTime(NOW - 30_000, NOW)).toBe('just now')
    expect(relativeTime(NOW - 5.5 * MINUTE, NOW)).toBe('5 min ago')
    expect(relativeTime(NOW - 1.5 * DAY, NOW)).toBe('1 day ago')
    expect(relativeTime(NOW - 3 * DAY, NOW)).toBe('3 days ago')
  })

  it('rounds the future up: 30 days after an access a moment ago is "in 30 days"', () => {
    expect(relativeTime(NOW - 2_000 + 30 * DAY, NOW)).toBe('in 30 days')
    expect(relativeTime(NOW + 30 * DAY, NOW)).toBe('in 30 days')
    expect(relativeTime(NOW + 0.5 * DAY, NOW)).toBe('in 12 h')
    expect(relativeTime(NOW + 20_000, NOW)).toBe('in under a minute')
  })
})
