import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoffDelay } from './backoff.js'
import { Connectivity } from './connectivity.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A relay that answers (or not) as the test says; probes are timed. */
function setup(random = () => 0.999) {
  const relay = { up: false }
  const probes: number[] = []
  const transitions: string[] = []
  const window = new EventTarget()
  const browser = { onLine: true }
  const c: Connectivity = new Connectivity({
    onLine: () => browser.onLine,
    events: window,
    random,
    reconnectMinMs: 100,
    reconnectMaxMs: 300,
    probe: () => {
      probes.push(Date.now())
      c.report({ reachable: relay.up, ...(relay.up ? { authenticated: true } : {}) })
      return Promise.resolve()
    },
    onChange: () => undefined,
    onOnline: () => transitions.push('online'),
    onOffline: () => transitions.push('offline'),
  })
  return { c, relay, probes, transitions, window, browser, t0: Date.now() }
}

describe('backoffDelay', () => {
  it('doubles from the minimum up to the maximum, with full jitter', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 500, 30_000, () => 0.999999))).toEqual([
      499, 999, 1999, 3999, 29999,
    ])
    expect(backoffDelay(5, 500, 30_000, () => 0)).toBe(0)
    expect(backoffDelay(2, 500, 30_000, () => 0.5)).toBe(1000)
  })
})

describe('Connectivity', () => {
  it('probes an unreachable relay with exponential backoff and jitter, then goes online', async () => {
    const s = setup()
    s.c.start()
    await vi.advanceTimersByTimeAsync(1000)
    expect(s.probes.map((t) => t - s.t0)).toEqual([0, 99, 298, 597, 896])
    expect(s.c.online).toBe(false)
    s.relay.up = true
    await vi.advanceTimersByTimeAsync(300)
    expect(s.c.online).toBe(true)
    expect(s.transitions).toEqual(['online'])
    const count = s.probes.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(s.probes.length).toBe(count)
  })

  it('follows the browser: offline at once, and a probe as soon as it is back', async () => {
    const s = setup()
    s.relay.up = true
    s.c.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(s.c.online).toBe(true)
    s.browser.onLine = false
    s.window.dispatchEvent(new Event('offline'))
    expect(s.c.online).toBe(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(s.probes).toHaveLength(1)
    s.browser.onLine = true
    s.window.dispatchEvent(new Event('online'))
    await vi.advanceTimersByTimeAsync(0)
    expect(s.probes).toHaveLength(2)
    expect(s.c.online).toBe(true)
    expect(s.transitions).toEqual(['online', 'offline', 'online'])
  })

  it('stays offline when told to, whatever the relay does, until goOnline', async () => {
    const s = setup()
    s.relay.up = true
    s.c.start()
    await vi.advanceTimersByTimeAsync(0)
    s.c.goOffline()
    expect(s.c.online).toBe(false)
    expect(s.c.networkAllowed).toBe(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(s.probes).toHaveLength(1)
    await s.c.goOnline()
    expect(s.c.online).toBe(true)
    expect(s.transitions).toEqual(['online', 'offline', 'online'])
  })

  it('stops probing when the relay refuses the session', async () => {
    const s = setup()
    s.c.start()
    await vi.advanceTimersByTimeAsync(0)
    s.c.report({ reachable: true, authenticated: false })
    const count = s.probes.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(s.probes.length).toBe(count)
    expect(s.c).toMatchObject({ online: false, authenticated: false, reachable: true })
  })
})
