import { describe, expect, it } from 'vitest'
import { byteSize } from './byte-size.js'

describe('byteSize', () => {
  it('names bytes in powers of 1000, one decimal below 10', () => {
    expect(byteSize(0)).toBe('0 B')
    expect(byteSize(999)).toBe('999 B')
    expect(byteSize(1_000)).toBe('1.0 KB')
    expect(byteSize(312_400)).toBe('312 KB')
    expect(byteSize(1_450_000)).toBe('1.4 MB')
    expect(byteSize(2_100_000_000)).toBe('2.1 GB')
    expect(byteSize(5e15)).toBe('5000 TB')
  })
})
