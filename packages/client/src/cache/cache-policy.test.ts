import type { CachePlan, PlannedRecord } from '@briefcase/protocol'
import { toSalesforceId } from '@briefcase/record'
import { describe, expect, it } from 'vitest'
import { newIndexRecord } from '../storage/index-record.js'
import { applyPlan, isRemovable, plannedDocs } from './cache-policy.js'

const DAY = 24 * 60 * 60 * 1000
const EXPIRY = 30 * DAY
const NOW = 1_800_000_000_000
const id = (n: number): string => toSalesforceId(`001000000000${String(n).padStart(3, '0')}`) ?? ''
const doc = (n: number): string => `Account/${id(n)}`

function planned(n: number, source: PlannedRecord['source'], item: string): PlannedRecord {
  return { doc: doc(n), sobject: 'Account', id: id(n), name: `Acme ${n}`, source, item }
}

function plan(records: PlannedRecord[], usingDefault = false): CachePlan {
  return { generatedAt: new Date(NOW).toISOString(), usingDefault, records, dashboards: [] }
}

function cached(n: number, sources: PlannedRecord['source'][], at = NOW - DAY) {
  return {
    ...newIndexRecord({
      doc: doc(n),
      sobject: 'Account',
      key: id(n),
      name: `Acme ${n}`,
      sources,
      now: at,
      expiryMs: EXPIRY,
    }),
    deviceSV: new Uint8Array([0]),
  }
}

describe('plannedDocs', () => {
  it('groups a record brought by several items', () => {
    const docs = plannedDocs(
      plan([planned(1, 'preference', 'object:Account'), planned(1, 'briefcase', 'briefcase:mine')]),
    )
    expect([...docs.values()]).toEqual([
      {
        doc: doc(1),
        sobject: 'Account',
        key: id(1),
        name: 'Acme 1',
        sources: ['preference', 'briefcase'],
        items: ['object:Account', 'briefcase:mine'],
      },
    ])
  })
})

describe('applyPlan', () => {
  it('adds a planned record that is not cached', () => {
    const next = applyPlan(
      null,
      plannedDocs(plan([planned(1, 'default', 'recent:Account')])).get(doc(1)),
      NOW,
      EXPIRY,
    )
    expect(next).toMatchObject({
      doc: doc(1),
      sources: ['default'],
      lastAccess: NOW,
      expiresAt: NOW + EXPIRY,
      syncStatus: 'loading',
    })
  })

  it('drops default-policy records once a preference replaces the default cache', () => {
    const preferencePlan = plannedDocs(plan([planned(2, 'preference', 'object:Account')]))
    expect(applyPlan(cached(1, ['default']), preferencePlan.get(doc(1)), NOW, EXPIRY)).toBeNull()
    expect(
      applyPlan(cached(2, ['default']), preferencePlan.get(doc(2)), NOW, EXPIRY)?.sources,
    ).toEqual(['preference'])
  })

  it('keeps a record opened in the session after the plan drops it, until it expires', () => {
    const next = applyPlan(cached(1, ['default', 'session']), undefined, NOW, EXPIRY)
    expect(next?.sources).toEqual(['session'])
    const old = cached(1, ['default', 'session'], NOW - 31 * DAY)
    expect(applyPlan(old, undefined, NOW, EXPIRY)).toBeNull()
  })

  it('never drops a record with a pending change', () => {
    const pending = { ...cached(1, ['default'], NOW - 31 * DAY), pendingCount: 1 }
    expect(applyPlan(pending, undefined, NOW, EXPIRY)).toMatchObject({ doc: doc(1), sources: [] })
  })

  it('counts a refresh that plans a record as an access', () => {
    const next = applyPlan(
      cached(1, ['default'], NOW - 20 * DAY),
      plannedDocs(plan([planned(1, 'default', 'recent:Account')])).get(doc(1)),
      NOW,
      EXPIRY,
    )
    expect(next?.expiresAt).toBe(NOW + EXPIRY)
  })
})

describe('isRemovable', () => {
  it('holds for expired records and records nothing wants, never for pending ones', () => {
    expect(isRemovable(cached(1, ['session'], NOW - 30 * DAY), NOW)).toBe(true)
    expect(isRemovable(cached(1, ['session'], NOW - 29 * DAY), NOW)).toBe(false)
    expect(isRemovable(cached(1, []), NOW)).toBe(true)
    expect(isRemovable({ ...cached(1, [], NOW - 40 * DAY), pendingCount: 2 }, NOW)).toBe(false)
    expect(isRemovable({ ...cached(1, [], NOW - 40 * DAY), pendingOrder: 'x' }, NOW)).toBe(false)
  })

  it('does not hold while the relay lacks something the device has', () => {
    const unsynced = {
      ...cached(1, [], NOW - 40 * DAY),
      deviceSV: new Uint8Array([1, 7, 3]),
      relaySV: null,
    }
    expect(isRemovable(unsynced, NOW)).toBe(false)
  })
})
