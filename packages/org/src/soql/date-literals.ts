import { DAY, formatDate, startOfDay } from '../datetime.js'

/** A date range `[start, end)` as `yyyy-MM-dd` dates (UTC, the org's time zone). */
export interface DateRange {
  readonly start: string
  readonly end: string
}

const FIXED = new Set([
  'YESTERDAY',
  'TODAY',
  'TOMORROW',
  'LAST_WEEK',
  'THIS_WEEK',
  'NEXT_WEEK',
  'LAST_MONTH',
  'THIS_MONTH',
  'NEXT_MONTH',
  'LAST_90_DAYS',
  'NEXT_90_DAYS',
  'THIS_QUARTER',
  'LAST_QUARTER',
  'NEXT_QUARTER',
  'THIS_YEAR',
  'LAST_YEAR',
  'NEXT_YEAR',
  'THIS_FISCAL_QUARTER',
  'LAST_FISCAL_QUARTER',
  'NEXT_FISCAL_QUARTER',
  'THIS_FISCAL_YEAR',
  'LAST_FISCAL_YEAR',
  'NEXT_FISCAL_YEAR',
])

const WITH_N =
  /^(LAST|NEXT)_N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|FISCAL_YEARS)$|^N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|FISCAL_YEARS)_AGO$/

/** True for a SOQL date literal keyword (TODAY, LAST_N_DAYS, ...). */
export function isDateLiteral(word: string): boolean {
  return FIXED.has(word) || WITH_N.test(word)
}

/** True when the literal takes `:n` (LAST_N_DAYS:n, N_DAYS_AGO:n, ...). */
export function dateLiteralTakesN(word: string): boolean {
  return WITH_N.test(word)
}

type Unit = 'DAYS' | 'WEEKS' | 'MONTHS' | 'QUARTERS' | 'YEARS'

function monthStart(year: number, month: number): number {
  return Date.UTC(year, month, 1)
}

/** Start (ms) of the unit period containing `today`, and a function stepping `k` periods from it. */
function period(unit: Unit, today: number): { start: number; step: (k: number) => number } {
  const d = new Date(today)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  switch (unit) {
    case 'DAYS':
      return { start: today, step: (k) => today + k * DAY }
    case 'WEEKS': {
      const start = today - d.getUTCDay() * DAY
      return { start, step: (k) => start + 7 * k * DAY }
    }
    case 'MONTHS':
      return { start: monthStart(y, m), step: (k) => monthStart(y, m + k) }
    case 'QUARTERS': {
      const q = m - (m % 3)
      return { start: monthStart(y, q), step: (k) => monthStart(y, q + 3 * k) }
    }
    case 'YEARS':
      return { start: monthStart(y, 0), step: (k) => monthStart(y + k, 0) }
  }
}

function range(start: number, end: number): DateRange {
  return { start: formatDate(start), end: formatDate(end) }
}

/**
 * The range a date literal denotes at `now`, weeks starting on Sunday and fiscal years equal
 * to calendar years. `LAST_N_DAYS:n` includes today (n + 1 days); `NEXT_N_DAYS:n` starts tomorrow.
 */
export function dateLiteralRange(name: string, n: number | null, now: number): DateRange {
  const today = startOfDay(now)
  const word = name.replace('FISCAL_', '')
  const count = n ?? 0
  const fixed: Record<string, [Unit, number, number]> = {
    YESTERDAY: ['DAYS', -1, 0],
    TODAY: ['DAYS', 0, 1],
    TOMORROW: ['DAYS', 1, 2],
    LAST_WEEK: ['WEEKS', -1, 0],
    THIS_WEEK: ['WEEKS', 0, 1],
    NEXT_WEEK: ['WEEKS', 1, 2],
    LAST_MONTH: ['MONTHS', -1, 0],
    THIS_MONTH: ['MONTHS', 0, 1],
    NEXT_MONTH: ['MONTHS', 1, 2],
    LAST_90_DAYS: ['DAYS', -90, 1],
    NEXT_90_DAYS: ['DAYS', 1, 91],
    LAST_QUARTER: ['QUARTERS', -1, 0],
    THIS_QUARTER: ['QUARTERS', 0, 1],
    NEXT_QUARTER: ['QUARTERS', 1, 2],
    LAST_YEAR: ['YEARS', -1, 0],
    THIS_YEAR: ['YEARS', 0, 1],
    NEXT_YEAR: ['YEARS', 1, 2],
  }
  const spec = fixed[word]
  if (spec) {
    const p = period(spec[0], today)
    return range(p.step(spec[1]), p.step(spec[2]))
  }
  const m = /^(LAST|NEXT)_N_(\w+)$|^N_(\w+)_AGO$/.exec(word)
  const unit = (m?.[2] ?? m?.[3] ?? 'DAYS') as Unit
  const p = period(unit, today)
  if (m?.[1] === 'LAST')
    return unit === 'DAYS' ? range(p.step(-count), p.step(1)) : range(p.step(-count), p.step(0))
  if (m?.[1] === 'NEXT') return range(p.step(1), p.step(count + 1))
  return range(p.step(-count), p.step(-count + 1))
}
