import type { RecordHandle } from './record-handle.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RelayHarness, TestDevice } from './testing/relay-harness.js'
import { eventually, startRelayHarness } from './testing/relay-harness.js'
import { storedText } from './testing/stored-text.js'

type Row = Record<string, unknown>

let h: RelayHarness
let rep: TestDevice
let manager: TestDevice
beforeAll(async () => {
  h = await startRelayHarness(4, { projection: { options: { debounceMs: 10 } } })
  rep = await h.device('create-rep', 'rep1@briefcase.test')
  manager = await h.device('create-manager', 'manager@briefcase.test')
  await eventually(() => rep.client.online && manager.client.online, 'both online')
  // Both views are known before the manager's schema is fetched: Account has two partitions.
  await rep.client.schema('Account')
  expect((await manager.client.schema('Account')).partitions).toHaveLength(1)
}, 60_000)
afterAll(async () => {
  await h.close()
})

const accountsNamed = (name: string): Row[] =>
  (h.org.snapshot().Account ?? []).filter((r: Row) => r.Name === name && r.IsDeleted !== true)
const userId = (d: TestDevice): string => d.client.session?.user.id ?? ''

/** Waits for the org to hold one Account named `name` with `values`; fails on a second one. */
async function createdOnce(name: string, values: Row): Promise<Row> {
  await eventually(
    () => accountsNamed(name).some((r) => Object.entries(values).every(([f, v]) => r[f] === v)),
    `${name} in the org with ${JSON.stringify(values)}`,
    20_000,
  )
  const rows = accountsNamed(name)
  expect(rows).toHaveLength(1)
  return rows[0] as Row
}

/** Every document of the handle knows the record's Id. */
async function mappedToId(handle: RecordHandle, id: string): Promise<void> {
  await eventually(
    () => handle.documents.every((d) => d.salesforceId() === id),
    `every document of ${handle.doc} holds ${id}`,
    20_000,
  )
}

/** {@link createdOnce}, written as the manager, and every document of `handle` holds the Id. */
async function createdByManager(handle: RecordHandle, values: Row): Promise<Row> {
  const row = await createdOnce(handle.name(), values)
  expect(row.CreatedById).toBe(userId(manager))
  expect(row.LastModifiedById).toBe(userId(manager))
  await mappedToId(handle, String(row.Id))
  return row
}

/**
 * A manager creating an Account sets Credit_Limit__c, a field reps may not read (ADR 0005): the
 * value lives in the draft's own document of that partition, the record is created once from its
 * main document, and the value follows as the manager's update.
 */
describe('creating a record with fields of another partition', () => {
  it('creates it online with Credit_Limit__c, as the manager, once; a rep never receives it', async () => {
    const handle = await manager.client.create('Account', {
      Name: 'Partitioned Online Co',
      Phone: '4155550101',
      Credit_Limit__c: 750_000,
    })
    expect(handle.documents).toHaveLength(2)
    expect(handle.documents[0]?.schema.fields).not.toHaveProperty('Credit_Limit__c')
    expect(handle.documents[1]?.get('Credit_Limit__c')).toBe(750_000)
    expect(handle.get('Credit_Limit__c')).toBe(750_000)
    const row = await createdByManager(handle, { Phone: '4155550101', Credit_Limit__c: 750_000 })
    await eventually(
      async () =>
        (await manager.client.pendingChanges()).every((p) => p.doc !== handle.doc) &&
        (await manager.client.listCache({ sobject: 'Account' })).some(
          (e) => e.doc === handle.doc && e.syncStatus === 'synced' && !e.draft,
        ),
      'synced, off the pending list',
      20_000,
    )
    await handle.close()

    // Another device of the manager reads it whole; a rep's reads the main document only.
    const second = await h.device('create-manager-2', 'manager@briefcase.test')
    await eventually(() => second.client.online, 'the second device online')
    const again = await second.client.open(`Account/${String(row.Id)}`)
    expect(again.doc).toBe(handle.doc)
    expect(again.get('Credit_Limit__c')).toBe(750_000)
    await again.close()
    const seen = await rep.client.open(`Account/${String(row.Id)}`)
    expect(seen.doc).toBe(handle.doc)
    expect(seen.documents).toHaveLength(1)
    expect(seen.get('Phone')).toBe('4155550101')
    expect(seen.values()).not.toHaveProperty('Credit_Limit__c')
    await seen.close()
    await rep.client.refresh()
    expect(await storedText(second.factory)).toContain('Credit_Limit__c')
    expect(await storedText(rep.factory)).not.toContain('Credit_Limit__c')
  }, 60_000)

  it('creates it offline with Credit_Limit__c edited after the create, once, when back online', async () => {
    manager.client.goOffline()
    const handle = await manager.client.create('Account', {
      Name: 'Partitioned Offline Co',
      Credit_Limit__c: 1_000,
    })
    await handle.set('Credit_Limit__c', 2_500)
    await handle.set('Phone', '4155550102')
    const pending = await manager.client.pendingChanges()
    const listed = pending.filter((p) => p.doc === handle.doc)
    expect(listed).toHaveLength(1)
    expect(listed[0]?.fields.map((f) => f.field).sort()).toEqual([
      'Credit_Limit__c',
      'Name',
      'Phone',
    ])
    expect(accountsNamed('Partitioned Offline Co')).toHaveLength(0)
    await manager.client.goOnline()
    await createdByManager(handle, { Phone: '4155550102', Credit_Limit__c: 2_500 })
    // Synced again (a reconnect, a refresh): nothing is created twice.
    await manager.client.refresh()
    await handle.set('Credit_Limit__c', 3_000)
    await createdOnce('Partitioned Offline Co', { Credit_Limit__c: 3_000 })
    await handle.close()
  }, 60_000)

  it('deletes a draft whole: undone, it returns with both documents; deleted or discarded, nothing is left pending or created', async () => {
    manager.client.goOffline()
    const kept = await manager.client.create('Account', { Name: 'Undone Co', Credit_Limit__c: 7 })
    await kept.delete()
    expect(kept.documents.every((d) => d.isDeleted())).toBe(true)
    await manager.client.undoDelete(kept.doc)
    expect(kept.documents.some((d) => d.isDeleted())).toBe(false)
    expect(kept.get('Credit_Limit__c')).toBe(7)
    const deleted = await manager.client.create('Account', {
      Name: 'Deleted Co',
      Credit_Limit__c: 8,
    })
    await deleted.delete()
    const discarded = await manager.client.create('Account', {
      Name: 'Discarded Co',
      Credit_Limit__c: 9,
    })
    await discarded.close()
    await manager.client.discard(discarded.doc)
    expect(await storedText(manager.factory)).not.toContain(discarded.key)
    await manager.client.goOnline()
    await createdByManager(kept, { Credit_Limit__c: 7 })
    await eventually(
      async () =>
        (await manager.client.pendingChanges()).every(
          (p) => p.doc !== deleted.doc && p.doc !== kept.doc,
        ),
      'the deleted draft off the pending list',
      20_000,
    )
    expect(deleted.documents.every((d) => d.pending() === null)).toBe(true)
    expect(accountsNamed('Deleted Co')).toHaveLength(0)
    expect(accountsNamed('Discarded Co')).toHaveLength(0)
    await Promise.all([kept.close(), deleted.close()])
  }, 60_000)

  it('gives the manager the Credit_Limit__c document of an Account a rep created', async () => {
    const created = await rep.client.create('Account', { Name: 'Rep Created Co' })
    expect(created.documents).toHaveLength(1)
    const row = await createdOnce('Rep Created Co', {})
    await mappedToId(created, String(row.Id))
    await created.close()
    const opened = await manager.client.open(`Account/${String(row.Id)}`)
    expect(opened.doc).toBe(created.doc)
    expect(opened.documents).toHaveLength(2)
    expect(opened.get('Credit_Limit__c')).toBeNull()
    await opened.set('Credit_Limit__c', 42_000)
    await createdOnce('Rep Created Co', { Credit_Limit__c: 42_000 })
    expect(accountsNamed('Rep Created Co')[0]?.LastModifiedById).toBe(userId(manager))
    await opened.close()
  }, 60_000)
})
