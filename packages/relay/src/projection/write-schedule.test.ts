import { describe, expect, it } from 'vitest'
import { WriteSchedule } from './write-schedule.js'

const A = 'g|Account/001000000000001AAA'
const B = 'g|Account/001000000000002AAA'

describe('WriteSchedule', () => {
  it('a live-edited record is due when its edits have been quiet for idleMs, or its oldest is maxWaitMs old', () => {
    const s = new WriteSchedule({ idleMs: 2_000, maxWaitMs: 15_000 })
    s.edited(A, 'live', 0)
    expect(s.dueAt(A)).toBe(2_000)
    for (let t = 1_000; t <= 14_000; t += 1_000) s.edited(A, 'live', t)
    expect(s.dueAt(A)).toBe(15_000) // never quiet: the max wait decides
    expect(s.nextDueAt()).toBe(15_000)
  })

  it('is due at once when its editors leave, when its edits came by bulk sync, or when it is unknown', () => {
    const s = new WriteSchedule()
    s.edited(A, 'live', 0)
    s.left(A)
    expect(s.dueAt(A)).toBe(0)
    s.edited(B, 'bulk', 0)
    expect(s.dueAt(B)).toBe(0)
    expect(s.dueAt('g|Account/unknown')).toBe(0)
  })

  it('windows are per author: one user editing two records is due when that user is quiet', () => {
    const s = new WriteSchedule({ idleMs: 2_000, maxWaitMs: 15_000 })
    s.edited(A, 'live', 0)
    s.edited(B, 'live', 1_500)
    s.setAuthors(A, ['rep1'])
    s.setAuthors(B, ['rep1'])
    expect(s.dueAt(A)).toBe(3_500)
    expect(s.dueAt(B)).toBe(3_500)
    // Another user's record keeps its own window.
    s.setAuthors(B, ['rep2'])
    expect(s.dueAt(A)).toBe(2_000)
  })

  it('release forgets a record written, or starts a new window for an edit that came since', () => {
    const s = new WriteSchedule({ idleMs: 2_000, maxWaitMs: 15_000 })
    s.edited(A, 'live', 0)
    s.release(A, 5_000)
    expect(s.nextDueAt()).toBeUndefined()
    s.edited(A, 'live', 6_000)
    s.edited(A, 'live', 7_000)
    s.release(A, 6_500)
    expect(s.dueAt(A)).toBe(9_000)
    // Not pending any more: forgotten, unless edited after the pending index was read.
    s.retain(new Set(), 6_800)
    expect(s.nextDueAt()).toBe(9_000)
    s.retain(new Set([A]), 8_000)
    expect(s.nextDueAt()).toBe(9_000)
    s.retain(new Set(), 8_000)
    expect(s.nextDueAt()).toBeUndefined()
  })

  it('stretch multiplies both windows', () => {
    const s = new WriteSchedule({ idleMs: 2_000, maxWaitMs: 15_000 })
    s.stretch(4)
    s.edited(A, 'live', 0)
    expect(s.dueAt(A)).toBe(8_000)
    expect(s.windows).toEqual({ idleMs: 8_000, maxWaitMs: 60_000, stretch: 4 })
  })
})
