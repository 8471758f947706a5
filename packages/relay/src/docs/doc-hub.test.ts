import type { ObjectSchema, SalesforceId, ServerInfo } from '@briefcase/record'
import { RecordDocument, createHybridClock, parseDeviceId, yjsEngine } from '@briefcase/record'
import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { SqliteRelayStore } from '../store/sqlite-relay-store.js'
import { docKeyString } from '../store/relay-store.js'
import { DocHub } from './doc-hub.js'
import type { DocCommitEvent } from './doc-hub.js'
import type { HotDoc } from './hot-doc.js'

const schema: ObjectSchema = {
  name: 'Account',
  fields: {
    Name: { name: 'Name', type: 'string' },
    Phone: { name: 'Phone', type: 'phone' },
    Description: { name: 'Description', type: 'textarea' },
  },
}
const group = { id: 'g1', sobject: 'Account', schema, nameField: 'Name' }
const logger = pino({ level: 'silent' })
const id = (n: number): string => `001${String(n).padStart(12, '0')}`

function info(n: number, at = '2026-01-01T00:00:00.000Z'): ServerInfo {
  return {
    salesforceId: `${id(n)}AAA` as SalesforceId,
    lastModifiedDate: at,
    systemModstamp: at,
    lastModifiedById: '005000000000001AAA',
  }
}

/** A device's replica of a hot document (device d1 of user 005…1). */
function deviceReplica(hot: HotDoc): RecordDocument {
  return RecordDocument.open({
    engine: yjsEngine,
    name: hot.key.name,
    schema,
    actor: { user: '005000000000001AAA', device: parseDeviceId('d1') },
    clock: createHybridClock({ device: parseDeviceId('d1') }),
    state: hot.doc.encodeState(),
  })
}

describe('DocHub', () => {
  const stores: SqliteRelayStore[] = []
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close()
  })
  const make = (
    options: {
      maxHotDocs?: number
      maxHotBytes?: number
      compactAfter?: number
      pendingDelayMs?: number
    } = {},
  ) => {
    const store = new SqliteRelayStore()
    stores.push(store)
    return { store, hub: new DocHub({ store, engine: yjsEngine, logger, ...options }) }
  }

  it('persists every change before telling listeners, and reloads the same state', async () => {
    const { store, hub } = make()
    await hub.putGroup(group)
    const events: DocCommitEvent[] = []
    hub.onCommit((e) => events.push(e))
    const key = { name: 'Account/001000000000001AAA', group: 'g1' }
    const hot = hub.create(key, group)
    hot.doc.applyServerRecord({ Name: 'Acme', Phone: '1', Description: 'Text' }, info(1))
    expect(events).toEqual([])
    await hub.flush()
    expect(events).toHaveLength(1)
    expect(events[0]?.pending).toBeNull()
    expect(hot.meta).toMatchObject({ displayName: 'Acme', salesforceId: '001000000000001AAA' })
    hub.release(hot)

    const other = new DocHub({ store, engine: yjsEngine, logger })
    const again = await other.read(key, (doc) => doc.values())
    expect(again).toEqual({ Name: 'Acme', Phone: '1', Description: 'Text' })
    expect(await other.read({ ...key, group: 'g2' }, (doc) => doc.values())).toBeUndefined()
  })

  it("stores a document's state vector with each commit, unless later changes already wait or relays share the store", async () => {
    const { store, hub } = make()
    await hub.putGroup(group)
    const key = { name: 'Account/001000000000001AAA', group: 'g1' }
    const stored = async (s = store) =>
      (await s.docDigests([key], 'u1')).get(docKeyString(key))?.stateVector ?? null
    const hot = hub.create(key, group)
    hot.doc.applyServerRecord({ Name: 'Acme', Phone: '1', Description: 'Text' }, info(1))
    await hub.flush()
    expect(await stored()).toEqual(Y.encodeStateVector(hub.ydocOf(hot)))
    // A change gathering for the next batch while this one commits: the vector is not claimed.
    hot.doc.set('Phone', '2')
    const first = hub.flush()
    hot.doc.set('Phone', '3')
    await first
    expect(await stored()).toBeNull()
    await hub.flush()
    expect(await stored()).toEqual(Y.encodeStateVector(hub.ydocOf(hot)))
    hub.release(hot)

    const sharedStore = new SqliteRelayStore()
    stores.push(sharedStore)
    const shared = new DocHub({ store: sharedStore, engine: yjsEngine, logger, shared: true })
    await shared.putGroup(group)
    const other = shared.create(key, group)
    other.doc.applyServerRecord({ Name: 'Acme', Phone: '1', Description: 'Text' }, info(1))
    await shared.flush()
    expect(await stored(sharedStore)).toBeNull()
    shared.release(other)
  })

  it('keeps the pending index in step with the document', async () => {
    const { store, hub } = make()
    await hub.putGroup(group)
    const key = { name: 'Account/001000000000001AAA', group: 'g1' }
    const hot = hub.create(key, group)
    hot.doc.applyServerRecord({ Name: 'Acme', Phone: '1' }, info(1))
    await hub.flush()
    expect(await store.listPending()).toEqual([])
    const device = deviceReplica(hot)
    const stamp = device.set('Phone', '2')
    hot.doc.applyUpdate(device.encodeUpdate(hot.doc.encodeStateVector()))
    await hub.flush()
    expect(await store.listPending()).toMatchObject([
      { name: key.name, group: 'g1', operation: 'update', firstChangeAt: stamp, status: null },
    ])
    // A later edit leaves the row as it was (its first change is still the oldest unsent).
    const later = device.set('Phone', '3')
    hot.doc.applyUpdate(device.encodeUpdate(hot.doc.encodeStateVector()))
    await hub.flush()
    expect(await store.listPending()).toMatchObject([{ name: key.name, firstChangeAt: stamp }])
    await hub.mutate(key, (doc) =>
      doc.acknowledgeWrite({
        fields: { Phone: { value: '3', stamp: later } },
        info: info(1, '2026-01-02T00:00:00.000Z'),
      }),
    )
    expect(await store.listPending()).toEqual([])
    // Once cleared, the next edit writes the row again.
    device.applyUpdate(hot.doc.encodeUpdate(device.encodeStateVector()))
    const again = device.set('Phone', '4')
    hot.doc.applyUpdate(device.encodeUpdate(hot.doc.encodeStateVector()))
    await hub.flush()
    expect(await store.listPending()).toMatchObject([{ name: key.name, firstChangeAt: again }])
    // The metadata an edit leaves unchanged is kept in the store; a change is written.
    expect((await store.docMetas([key])).get(docKeyString(key))).toMatchObject({
      displayName: 'Acme',
      salesforceId: '001000000000001AAA',
    })
    device.set('Name', 'Acme Corp')
    hot.doc.applyUpdate(device.encodeUpdate(hot.doc.encodeStateVector()))
    await hub.flush()
    expect((await store.docMetas([key])).get(docKeyString(key))).toMatchObject({
      displayName: 'Acme Corp',
      salesforceId: '001000000000001AAA',
    })
    hub.release(hot)
  })

  it('recomputes the pending row of a document edited live shortly after, not at every edit', async () => {
    const { store, hub } = make({ pendingDelayMs: 50 })
    await hub.putGroup(group)
    const events: DocCommitEvent[] = []
    hub.onCommit((e) => events.push(e))
    const key = { name: 'Account/001000000000001AAA', group: 'g1' }
    const hot = hub.create(key, group)
    hot.doc.applyServerRecord({ Name: 'Acme', Phone: '1' }, info(1))
    await hub.flush()
    const device = deviceReplica(hot)
    const live = { kind: 'live' }
    const edit = (phone: string): void => {
      device.set('Phone', phone)
      hot.doc.applyUpdate(device.encodeUpdate(hot.doc.encodeStateVector()), live)
    }
    // The first edit makes the document pending: its row is written with it.
    edit('2')
    await hub.flush()
    expect(await store.listPending()).toMatchObject([{ name: key.name, operation: 'update' }])
    // Setting it back leaves nothing for Salesforce: the row goes, once rechecked.
    edit('1')
    await hub.flush()
    expect(events.at(-1)?.pending).toMatchObject({ operation: 'update' })
    expect(hot.doc.pending()).toBeNull()
    await vi.waitFor(async () => expect(await store.listPending()).toEqual([]), {
      timeout: 5000,
      interval: 20,
    })
    // Pending again: written with the edit (the row was gone).
    edit('3')
    await hub.flush()
    expect(await store.listPending()).toMatchObject([{ name: key.name, operation: 'update' }])
    // A live rename reaches the stored display name with the recheck.
    device.set('Name', 'Acme Corp')
    hot.doc.applyUpdate(device.encodeUpdate(hot.doc.encodeStateVector()), live)
    await hub.flush()
    await vi.waitFor(
      async () =>
        expect((await store.docMetas([key])).get(docKeyString(key))?.displayName).toBe('Acme Corp'),
      { timeout: 5000, interval: 20 },
    )
    hub.release(hot)
  })

  it('compacts a document after many updates without changing it', async () => {
    const { store, hub } = make({ compactAfter: 5 })
    await hub.putGroup(group)
    const key = { name: 'Account/001000000000001AAA', group: 'g1' }
    const hot = hub.create(key, group)
    hot.doc.applyServerRecord({ Name: 'A0', Description: '' }, info(1))
    await hub.flush()
    for (let i = 1; i <= 7; i++) {
      hot.doc.applyServerRecord({ Name: `A${i}` }, info(1, `2026-01-0${i + 1}T00:00:00.000Z`))
      await hub.flush()
    }
    expect(await store.updateCount(key)).toBeLessThan(5)
    hub.release(hot)
    const other = new DocHub({ store, engine: yjsEngine, logger })
    expect(await other.read(key, (doc) => doc.get('Name'))).toBe('A7')
  })

  it('reloads a document from its log of updates, and from a compacted state and the updates after it', async () => {
    for (const compactAfter of [1000, 12]) {
      const { store, hub } = make({ compactAfter })
      await hub.putGroup(group)
      const key = { name: 'Account/001000000000001AAA', group: 'g1' }
      const hot = hub.create(key, group)
      hot.doc.applyServerRecord({ Name: 'A', Phone: '1', Description: 'Loaded' }, info(1))
      await hub.flush()
      for (let k = 0; k < 20; k++) {
        hot.doc.set('Phone', `415555${k}`)
        hot.doc.insertText('Description', 0, `${k} `)
        await hub.flush()
      }
      const log = await store.updateCount(key)
      expect(log).toBeGreaterThan(1)
      if (compactAfter === 12) expect(log).toBeLessThan(12)
      const other = new DocHub({ store, engine: yjsEngine, logger })
      const again = await other.read(key, (doc, h) => ({
        values: doc.values(),
        pending: doc.pending(),
        vector: Y.encodeStateVector(other.ydocOf(h)),
      }))
      expect(again).toEqual({
        values: hot.doc.values(),
        pending: hot.doc.pending(),
        vector: Y.encodeStateVector(hub.ydocOf(hot)),
      })
      hub.release(hot)
    }
  })

  it('evicts unused documents beyond its bound, never one in use', async () => {
    const { hub } = make({ maxHotDocs: 2 })
    await hub.putGroup(group)
    const keys = [1, 2, 3, 4].map((n) => ({ name: `Account/${id(n)}AAA`, group: 'g1' }))
    const held = hub.create(keys[0] as (typeof keys)[0], group)
    held.doc.applyServerRecord({ Name: 'held' }, info(1))
    for (const key of keys.slice(1)) {
      const hot = hub.create(key, group)
      hot.doc.applyServerRecord({ Name: key.name }, info(2))
      await hub.flush()
      hub.release(hot)
    }
    expect(hub.hotCount).toBe(2)
    expect(held.doc.get('Name')).toBe('held')
    const back = await hub.acquire(keys)
    expect(back.size).toBe(4)
    for (const h of back.values()) hub.release(h)
    hub.release(held)
  })

  it('bounds unused documents by their bytes, and drops what a pass over many documents loaded', async () => {
    const { hub, store } = make({ maxHotBytes: 3000 })
    await hub.putGroup(group)
    const keys = [1, 2, 3, 4, 5, 6].map((n) => ({ name: `Account/${id(n)}AAA`, group: 'g1' }))
    for (const [i, key] of keys.entries()) {
      const hot = hub.create(key, group)
      hot.doc.applyServerRecord({ Name: key.name, Description: 'x'.repeat(900) }, info(i + 1))
      await hub.flush()
      hub.release(hot)
    }
    // Each document is over 900 bytes: at most three unused ones fit in 3,000.
    expect(hub.hotCount).toBeLessThanOrEqual(3)
    expect(hub.hotCount).toBeGreaterThan(0)
    // A live user's document stays; what a bulk pass loads leaves once released.
    const live = (await hub.acquire([keys[5] as (typeof keys)[0]])).get(
      docKeyString(keys[5] as (typeof keys)[0]),
    ) as HotDoc
    const before = hub.hotCount
    const pass = await hub.acquire(keys.slice(0, 3), { transient: true })
    expect(pass.size).toBe(3)
    for (const h of pass.values()) hub.release(h)
    expect(hub.hotCount).toBeLessThanOrEqual(before)
    const again = await hub.acquire([keys[5] as (typeof keys)[0]], { transient: true })
    for (const h of again.values()) hub.release(h)
    expect(live.doc.get('Name')).toBe(keys[5]?.name)
    expect(
      (await hub.acquire([keys[5] as (typeof keys)[0]])).get(
        docKeyString(keys[5] as (typeof keys)[0]),
      ),
    ).toBe(live)
    hub.release(live)
    hub.release(live)
    // With room to spare, a pass still keeps nothing it loaded; a live user's load stays.
    const fresh = new DocHub({ store, engine: yjsEngine, logger })
    for (const h of (await fresh.acquire(keys, { transient: true })).values()) fresh.release(h)
    expect(fresh.hotCount).toBe(0)
    for (const h of (await fresh.acquire(keys.slice(0, 2))).values()) fresh.release(h)
    expect(fresh.hotCount).toBe(2)
  })

  it('rejects the flush and drops the document when its commit fails', async () => {
    const { store, hub } = make()
    await hub.putGroup(group)
    const resets: string[] = []
    hub.onReset((hot) => resets.push(hot.key.name))
    const hot = hub.create({ name: 'Account/001000000000001AAA', group: 'g1' }, group)
    await store.close()
    hot.doc.applyServerRecord({ Name: 'Acme' }, info(1))
    await expect(hub.flush()).rejects.toThrow()
    expect(resets).toEqual(['Account/001000000000001AAA'])
    expect(hot.broken).toBe(true)
    hub.release(hot)
    await expect(hub.flush()).resolves.toBeUndefined()
  })
})
