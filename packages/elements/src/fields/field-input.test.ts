import type { FieldSchema } from '@briefcase/record'
import { describe, expect, test } from 'vitest'
import { inputType, inputValue, parseInput } from './field-input.js'

const field = (type: FieldSchema['type']): FieldSchema => ({ name: 'F', type })

describe('parseInput', () => {
  test('reads empty input as null, whatever the type', () => {
    for (const type of ['string', 'currency', 'date', 'datetime', 'picklist'] as const) {
      expect(parseInput('  ', field(type))).toEqual({ ok: true, value: null })
    }
  })

  test('reads numbers, and refuses what is not one', () => {
    expect(parseInput('12.50', field('currency'))).toEqual({ ok: true, value: 12.5 })
    expect(parseInput('42', field('int'))).toEqual({ ok: true, value: 42 })
    expect(parseInput('4.2', field('int'))).toEqual({ ok: false, message: 'Enter a whole number.' })
    expect(parseInput('lots', field('double'))).toEqual({ ok: false, message: 'Enter a number.' })
  })

  test('reads a local date-time as UTC ISO, and shows it back in local time', () => {
    const parsed = parseInput('2026-03-04T09:30', field('datetime'))
    expect(parsed.ok).toBe(true)
    if (!parsed.ok || typeof parsed.value !== 'string') return
    expect(parsed.value).toBe(new Date(2026, 2, 4, 9, 30).toISOString())
    expect(inputValue(parsed.value, field('datetime'))).toBe('2026-03-04T09:30')
  })

  test('keeps text as typed apart from surrounding spaces (long text: as typed)', () => {
    expect(parseInput(' Acme ', field('string'))).toEqual({ ok: true, value: 'Acme' })
    expect(parseInput(' two\nlines ', field('textarea'))).toEqual({
      ok: true,
      value: ' two\nlines ',
    })
  })
})

describe('inputType', () => {
  test('maps Salesforce types to inputs', () => {
    expect(inputType(field('phone'))).toBe('tel')
    expect(inputType(field('currency'))).toBe('number')
    expect(inputType(field('date'))).toBe('date')
    expect(inputType(field('datetime'))).toBe('datetime-local')
    expect(inputType(field('picklist'))).toBeNull()
    expect(inputType(field('reference'))).toBeNull()
  })
})
