import type { ObjectSchema, SalesforceId, ServerInfo } from '@briefcase/record'
import { RecordDocument, createHybridClock, parseDeviceId, yjsEngine } from '@briefcase/record'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteRelayStore } from '../store/sqlite-relay-store.js'
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
const key = { name: 'Account/001000000000001AAA', group: 'g1' }

function info(at = '2026-01-01T00:00:00.000Z'): ServerInfo {
  return {
    salesforceId: '001000000000001AAA' as SalesforceId,
    lastModifiedDate: at,
    systemModstamp: at,
    lastModifiedById: '005000000000001AAA',
  }
}

/** A device's edit of the hot document, applied as live sync applies it. */
function deviceEdit(hot: HotDoc, field: string, value: string): void {
  const device = RecordDocument.open({
    engine: yjsEngine,
    name: key.name,
    schema,
    actor: { user: '005000000000001AAA', device: parseDeviceId('d1') },
    clock: createHybridClock({ device: parseDeviceId('d1') }),
    state: hot.doc.encodeState(),
  })
  device.set(field, value)
  hot.doc.applyUpdate(device.encodeUpdate(hot.doc.encodeStateVector()))
}

/**
 * Two hubs on one store, as two relays sharing PostgreSQL: each hub's hot copy may lack what the
 * other committed until it catches up.
 */
describe('DocHub shared with another relay', () => {
  const stores: SqliteRelayStore[] = []
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close()
  })
  const two = async (options: { compactAfter?: number } = {}) => {
    const store = new SqliteRelayStore()
    stores.push(store)
    const a = new DocHub({ store, engine: yjsEngine, logger, shared: true })
    const b = new DocHub({ store, engine: yjsEngine, logger, shared: true, ...options })
    await a.putGroup(group)
    const hotA = a.create(key, group)
    hotA.doc.applyServerRecord({ Name: 'Acme', Phone: '1', Description: 'Text' }, info())
    await a.flush()
    const hotB = (await b.acquire([key])).get(`${key.group}|${key.name}`) as HotDoc
    return { store, a, b, hotA, hotB }
  }

  it('catches a hot copy up when it is acquired, telling listeners as of a remote commit', async () => {
    const { a, b, hotA, hotB } = await two()
    b.release(hotB)
    const events: DocCommitEvent[] = []
    b.onCommit((e) => events.push(e))
    deviceEdit(hotA, 'Phone', '2')
    await a.flush()
    expect(hotB.doc.get('Phone')).toBe('1')
    expect(await b.read(key, (doc) => doc.get('Phone'))).toBe('2')
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ remote: true, pending: { operation: 'update' } })
  })

  it("compacts from the store, keeping the other relay's updates its copy lacks", async () => {
    const { store, a, b, hotA, hotB } = await two({ compactAfter: 1 })
    deviceEdit(hotA, 'Phone', '3')
    await a.flush()
    // B's copy has not seen Phone = 3; its own change triggers a compaction.
    hotB.doc.applyServerRecord(
      { Name: 'Acme 2', Phone: '1', Description: 'Text' },
      info('2026-01-02T00:00:00.000Z'),
    )
    await b.flush()
    expect(await store.updateCount(key)).toBe(0)
    const fresh = new DocHub({ store, engine: yjsEngine, logger })
    expect(await fresh.read(key, (doc) => doc.values())).toMatchObject({
      Name: 'Acme 2',
      Phone: '3',
    })
  })

  it('writes the pending row again when its commit cleared a row another relay had just written', async () => {
    const { store, a, b, hotA, hotB } = await two()
    deviceEdit(hotA, 'Phone', '4')
    await a.flush()
    expect(await store.listPending()).toHaveLength(1)
    // B's stale copy has nothing pending: its commit clears the row A wrote.
    hotB.doc.applyServerRecord(
      { Name: 'Acme', Phone: '1', Description: 'Server text' },
      info('2026-01-02T00:00:00.000Z'),
    )
    await b.flush()
    const end = Date.now() + 5000
    while ((await store.listPending()).length === 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 10))
      await b.flush()
    }
    expect(await store.listPending()).toMatchObject([{ name: key.name, operation: 'update' }])
    expect(hotB.doc.get('Phone')).toBe('4')
  })
})
