import { describe, expect, it } from 'vitest'
import {
  compareHlc,
  createHybridClock,
  decodeHlc,
  encodeHlc,
  isHlcString,
  serverStamp,
  stampAfter,
} from './hlc.js'
import { parseDeviceId } from './ids.js'

const device = parseDeviceId('phone-1')

describe('hybrid logical clock', () => {
  it('encodes stamps that sort by wall time, then counter, then device', () => {
    const stamps = [
      encodeHlc({ wall: 2, counter: 0, device: 'a' }),
      encodeHlc({ wall: 1, counter: 5, device: 'z' }),
      encodeHlc({ wall: 1, counter: 5, device: 'b' }),
      encodeHlc({ wall: 1, counter: 0, device: 'z' }),
    ]
    expect([...stamps].sort(compareHlc).map(decodeHlc)).toEqual([
      { wall: 1, counter: 0, device: 'z' },
      { wall: 1, counter: 5, device: 'b' },
      { wall: 1, counter: 5, device: 'z' },
      { wall: 2, counter: 0, device: 'a' },
    ])
    for (const s of stamps) expect(isHlcString(s)).toBe(true)
    expect(isHlcString('nope')).toBe(false)
  })

  it('advances on every local event, even when the device clock stands still', () => {
    const clock = createHybridClock({ device, now: () => 1000 })
    const a = clock.tick()
    const b = clock.tick()
    const c = clock.tick()
    expect(a < b && b < c).toBe(true)
    expect(decodeHlc(c)).toEqual({ wall: 1000, counter: 2, device: 'phone-1' })
  })

  it('never goes backwards when the device clock jumps back', () => {
    let now = 50_000
    const clock = createHybridClock({ device, now: () => now })
    const before = clock.tick()
    now = 10_000
    const after = clock.tick()
    expect(after > before).toBe(true)
    expect(decodeHlc(after).wall).toBe(50_000)
  })

  it('advances past every received stamp within the drift bound', () => {
    const clock = createHybridClock({ device, now: () => 1_000, maxDriftMs: 60_000 })
    const remote = encodeHlc({ wall: 30_000, counter: 7, device: 'tablet' })
    clock.observe(remote)
    expect(clock.tick() > remote).toBe(true)
  })

  it('does not let a remote clock that jumped far ahead drag it along', () => {
    const clock = createHybridClock({ device, now: () => 1_000, maxDriftMs: 60_000 })
    const remote = encodeHlc({ wall: 10 ** 12, counter: 0, device: 'broken' })
    clock.observe(remote)
    expect(decodeHlc(clock.tick()).wall).toBe(1_000)
    // ...but an edit made after seeing that stamp is still ordered after it.
    const after = clock.after(remote)
    expect(after > remote).toBe(true)
    expect(decodeHlc(after).device).toBe('phone-1')
  })

  it('stamps server changes with LastModifiedDate by the Salesforce user', () => {
    const s = serverStamp(Date.parse('2026-01-02T03:04:05.000Z'), '005000000000001AAA')
    expect(decodeHlc(s)).toEqual({
      wall: Date.parse('2026-01-02T03:04:05.000Z'),
      counter: 0,
      device: 'sf-005000000000001AAA',
    })
    expect(stampAfter(s, 'x') > s).toBe(true)
  })

  it('carries a counter overflow into the wall time', () => {
    const s = encodeHlc({ wall: 5, counter: 36 ** 4, device: 'd' })
    expect(decodeHlc(s)).toEqual({ wall: 6, counter: 0, device: 'd' })
  })
})
