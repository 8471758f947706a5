import { describe, expect, test } from 'vitest'
import { formatDate, formatDateTime, parseDate, parseDateTime, parseHttpDate } from './datetime.js'

describe('Salesforce date formats', () => {
  test('datetimes go out with milliseconds and +0000', () => {
    expect(formatDateTime(Date.UTC(2017, 10, 2, 22, 2, 36))).toBe('2017-11-02T22:02:36.000+0000')
    expect(formatDate(Date.UTC(2024, 0, 5, 23, 59))).toBe('2024-01-05')
  })

  test('datetimes come in with Z, ±hh:mm, ±hhmm or no offset, milliseconds optional', () => {
    const at = Date.UTC(2024, 4, 1, 12, 0, 0)
    expect(parseDateTime('2024-05-01T12:00:00Z')).toBe(at)
    expect(parseDateTime('2024-05-01T12:00:00.000+0000')).toBe(at)
    expect(parseDateTime('2024-05-01T14:00:00+02:00')).toBe(at)
    expect(parseDateTime('2024-05-01T04:00:00.000-0800')).toBe(at)
    expect(parseDateTime('2024-05-01T12:00:00')).toBe(at)
    expect(parseDateTime('2024-02-30T00:00:00Z')).toBeUndefined()
    expect(parseDateTime('yesterday')).toBeUndefined()
  })

  test('dates and HTTP-dates', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29')
    expect(parseDate('2023-02-29')).toBeUndefined()
    expect(parseHttpDate('Tue, 10 Aug 2015 00:00:00 GMT')).toBe(Date.UTC(2015, 7, 10))
    expect(parseHttpDate('soon')).toBeUndefined()
  })
})
