import { describe, expect, test } from 'vitest'
import { dateLiteralRange } from './date-literals.js'

// Wednesday 12 March 2025, 15:30 UTC.
const NOW = Date.UTC(2025, 2, 12, 15, 30)
const range = (name: string, n: number | null = null): string => {
  const r = dateLiteralRange(name, n, NOW)
  return `${r.start}..${r.end}`
}

describe('SOQL date literals (UTC, weeks from Sunday)', () => {
  test('days', () => {
    expect(range('TODAY')).toBe('2025-03-12..2025-03-13')
    expect(range('YESTERDAY')).toBe('2025-03-11..2025-03-12')
    expect(range('TOMORROW')).toBe('2025-03-13..2025-03-14')
    expect(range('LAST_N_DAYS', 1)).toBe('2025-03-11..2025-03-13')
    expect(range('NEXT_N_DAYS', 7)).toBe('2025-03-13..2025-03-20')
    expect(range('LAST_90_DAYS')).toBe('2024-12-12..2025-03-13')
    expect(range('N_DAYS_AGO', 3)).toBe('2025-03-09..2025-03-10')
  })

  test('weeks, months, quarters, years', () => {
    expect(range('THIS_WEEK')).toBe('2025-03-09..2025-03-16')
    expect(range('LAST_WEEK')).toBe('2025-03-02..2025-03-09')
    expect(range('THIS_MONTH')).toBe('2025-03-01..2025-04-01')
    expect(range('LAST_N_MONTHS', 2)).toBe('2025-01-01..2025-03-01')
    expect(range('NEXT_N_MONTHS', 1)).toBe('2025-04-01..2025-05-01')
    expect(range('THIS_QUARTER')).toBe('2025-01-01..2025-04-01')
    expect(range('NEXT_QUARTER')).toBe('2025-04-01..2025-07-01')
    expect(range('LAST_YEAR')).toBe('2024-01-01..2025-01-01')
    expect(range('THIS_FISCAL_YEAR')).toBe('2025-01-01..2026-01-01')
  })
})
