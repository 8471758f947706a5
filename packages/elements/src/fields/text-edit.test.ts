import { describe, expect, test } from 'vitest'
import { mapPosition, textChange } from './text-edit.js'

describe('textChange', () => {
  test('places an ambiguous insertion at the caret, where the user typed it', () => {
    expect(textChange('aa', 'aaa', 2)).toEqual({ start: 1, removed: 0, inserted: 'a' })
    expect(textChange('aa', 'aaa', 1)).toEqual({ start: 0, removed: 0, inserted: 'a' })
    expect(textChange('aa', 'aaa', 3)).toEqual({ start: 2, removed: 0, inserted: 'a' })
  })

  test('finds deletions (backspace leaves the caret at the deletion)', () => {
    expect(textChange('hello world', 'hell world', 4)).toEqual({
      start: 4,
      removed: 1,
      inserted: '',
    })
    expect(textChange('aaa', 'aa', 1)).toEqual({ start: 1, removed: 1, inserted: '' })
  })

  test('finds a replaced selection', () => {
    expect(textChange('one two three', 'one 2 three', 5)).toEqual({
      start: 4,
      removed: 3,
      inserted: '2',
    })
  })

  test('without a caret, takes the common prefix and suffix', () => {
    expect(textChange('Key account.', 'VIP. Key account.')).toEqual({
      start: 0,
      removed: 0,
      inserted: 'VIP. ',
    })
    expect(textChange('same', 'same')).toBeNull()
  })

  test('applying the change to the old text gives the new text', () => {
    const cases: [string, string, number][] = [
      ['', 'abc', 3],
      ['abc', '', 0],
      ['abcabc', 'abcXabc', 4],
      ['line\n\nline', 'line\nnew\nline', 8],
    ]
    for (const [before, after, caret] of cases) {
      const c = textChange(before, after, caret)
      if (!c) throw new Error('no change')
      const applied = before.slice(0, c.start) + c.inserted + before.slice(c.start + c.removed)
      expect(applied).toBe(after)
    }
  })
})

describe('mapPosition', () => {
  const insert = { start: 4, removed: 0, inserted: 'XY' }
  const replace = { start: 2, removed: 3, inserted: 'Z' }

  test('keeps positions before the change', () => {
    expect(mapPosition(3, insert)).toBe(3)
    expect(mapPosition(4, insert)).toBe(4)
  })

  test('shifts positions after the change by its growth', () => {
    expect(mapPosition(6, insert)).toBe(8)
    expect(mapPosition(7, replace)).toBe(5)
  })

  test('moves positions inside a replaced range to its end', () => {
    expect(mapPosition(3, replace)).toBe(3)
    expect(mapPosition(4, replace)).toBe(3)
  })
})
