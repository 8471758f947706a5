import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { ApiBudget } from './api-budget.js'
import { WriteSchedule } from './write-schedule.js'

function captured(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  return { logger: pino({ level: 'info' }, stream), lines }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('ApiBudget', () => {
  it('stretches the coalescing windows under the reserve, doubling as the remainder halves, and says so once per change', async () => {
    const { logger, lines } = captured()
    const schedule = new WriteSchedule({ idleMs: 2_000, maxWaitMs: 15_000 })
    const budget = new ApiBudget({ logger, onStretch: (f) => schedule.stretch(f) })
    budget.observe({ used: 50_000, limit: 100_000 })
    expect(schedule.windows).toEqual({ idleMs: 2_000, maxWaitMs: 15_000, stretch: 1 })
    budget.observe({ used: 92_000, limit: 100_000 })
    expect(schedule.windows).toEqual({ idleMs: 4_000, maxWaitMs: 30_000, stretch: 2 })
    budget.observe({ used: 92_100, limit: 100_000 })
    budget.observe({ used: 96_000, limit: 100_000 })
    expect(schedule.windows.stretch).toBe(4)
    budget.observe({ used: 100_000, limit: 100_000 })
    expect(schedule.windows.stretch).toBe(16)
    budget.observe({ used: 10, limit: 100_000 }) // a new day
    expect(schedule.windows.stretch).toBe(1)
    await tick()
    expect(lines.map((l) => [l.msg, l.stretch, l.remaining])).toEqual([
      ['Salesforce API allowance under the reserve: writes coalesce longer', 2, 8_000],
      ['Salesforce API allowance under the reserve: writes coalesce longer', 4, 4_000],
      ['Salesforce API allowance under the reserve: writes coalesce longer', 16, 0],
      ['Salesforce API allowance above the reserve: writes coalesce as usual', 1, 99_990],
    ])
    expect(budget.usage()).toEqual({ used: 10, limit: 100_000 })
    expect(budget.remaining()).toBe(99_990)
  })

  it('takes the reserve as an option and ignores readings without the header', () => {
    const budget = new ApiBudget({ reserve: 0.5 })
    budget.observe(undefined)
    budget.observe({ used: 1 })
    expect(budget.usage()).toBeUndefined()
    budget.observe({ used: 60, limit: 100 })
    expect(budget.stretch).toBe(2)
  })
})
