import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { CacheIndex } from './cache-index.js'
import { newIndexRecord } from './index-record.js'
import type { IndexRecord } from './index-record.js'
import { StorageGuard } from './storage-guard.js'

const DAY = 86_400_000

function record(
  n: number,
  sobject: string,
  lastAccess: number,
  extra: Partial<IndexRecord> = {},
): IndexRecord {
  const key = `001000000000${String(n).padStart(3, '0')}AAA`
  return {
    ...newIndexRecord({
      doc: `${sobject}/${key}`,
      sobject,
      key,
      name: `R${n}`,
      sources: ['default'],
      now: lastAccess,
      expiryMs: 30 * DAY,
    }),
    ...extra,
  }
}

async function open(): Promise<CacheIndex> {
  return CacheIndex.open(
    new IDBFactory(),
    'briefcase:u1:index',
    new StorageGuard(() => undefined),
    'strict',
  )
}

describe('CacheIndex', () => {
  it('lists most recently accessed first, by object and by source, and counts', async () => {
    const index = await open()
    const records = [
      record(1, 'Account', 100),
      record(2, 'Contact', 300),
      record(3, 'Account', 200, { sources: ['session', 'preference'] }),
    ]
    await index.update(
      records.map((r) => r.doc),
      (_, doc) => records.find((r) => r.doc === doc) ?? null,
    )
    expect((await index.list()).map((r) => r.name)).toEqual(['R2', 'R3', 'R1'])
    expect((await index.list({ sobject: 'Account' })).map((r) => r.name)).toEqual(['R3', 'R1'])
    expect((await index.list({ source: 'session' })).map((r) => r.name)).toEqual(['R3'])
    expect((await index.list({ limit: 1, offset: 1 })).map((r) => r.name)).toEqual(['R3'])
    expect(await index.count()).toBe(3)
    expect(await index.count({ sobject: 'Account' })).toBe(2)
    expect(await index.count({ source: 'default' })).toBe(2)
    expect(await index.count({ sobject: 'Account', source: 'preference' })).toBe(1)
  })

  it('reads the pending list in order from its sparse index, and expired entries', async () => {
    const index = await open()
    const records = [
      record(1, 'Account', 0, { pendingOrder: 'b' }),
      record(2, 'Account', 10 * DAY),
      record(3, 'Account', 0, { pendingOrder: 'a' }),
    ]
    await index.update(
      records.map((r) => r.doc),
      (_, doc) => records.find((r) => r.doc === doc) ?? null,
    )
    expect((await index.pending()).map((r) => r.name)).toEqual(['R3', 'R1'])
    expect((await index.expired(30 * DAY)).map((r) => r.name).sort()).toEqual(['R1', 'R3'])
  })

  it('updates entries atomically and reports before and after', async () => {
    const index = await open()
    const r = record(1, 'Account', 0)
    await index.update([r.doc], () => r)
    const changes = await index.update([r.doc, 'Account/missing'], (current) =>
      current ? { ...current, name: 'Renamed' } : undefined,
    )
    expect(changes).toHaveLength(1)
    expect(changes[0]?.before?.name).toBe('R1')
    expect(changes[0]?.after?.name).toBe('Renamed')
    await index.update([r.doc], () => null)
    expect(await index.get(r.doc)).toBeNull()
  })

  it('keeps dashboards, schemas and settings', async () => {
    const index = await open()
    await index.replaceDashboards([
      { id: 'd1', title: 'Pipeline', item: 'recent', snapshot: { a: 1 }, takenAt: 't' },
    ])
    await index.replaceDashboards([
      { id: 'd2', title: 'Cases', item: 'recent', snapshot: null, takenAt: 't' },
    ])
    expect((await index.dashboards()).map((d) => d.id)).toEqual(['d2'])
    await index.setMeta('lastRefresh', 42)
    expect(await index.getMeta('lastRefresh')).toBe(42)
  })
})
