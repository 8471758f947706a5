import { randomUUID } from 'node:crypto'
import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import { SqliteRelayStore } from '@briefcase/relay'
import type { RedisRelayBus } from '@briefcase/relay/redis'
import { connectRedisBus } from '@briefcase/relay/redis'
import type { RedisProcess, TestRelay } from '@briefcase/relay/testing'
import { checkRedisServer, startRedisProcess, startTestRelay } from '@briefcase/relay/testing'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from '../relay/device.js'

const redisServer = await checkRedisServer()

/**
 * Live fan-out between relays through Redis, in one process: the relays share one store object
 * (a stand-in for the shared PostgreSQL of a real deployment; two processes on one SQLite file is
 * not a supported mode) and one redis-server of this test's own, which it restarts. Relays 0 and
 * 1 share a channel and catch up from the store only every minute (so what crosses quickly came
 * through Redis); relay 2 has a channel of its own, so it hears nothing and catches up every
 * 300 ms.
 */
describe.skipIf(!redisServer.available)(redisServer.title('relays joined by a Redis bus'), () => {
  let org: Org
  let redis: RedisProcess
  let store: SqliteRelayStore
  const relays: TestRelay[] = []
  const buses: RedisRelayBus[] = []
  const devices: Device[] = []
  let accounts: string[]
  beforeAll(async () => {
    org = createOrg({ accounts: 6 })
    redis = await startRedisProcess()
    store = new SqliteRelayStore({ file: ':memory:' })
    const prefix = `fanout-${randomUUID()}:`
    for (const id of ['a', 'b', 'c']) {
      const bus = await connectRedisBus({
        url: redis.url,
        prefix: id === 'c' ? `alone-${randomUUID()}:` : prefix,
        relayId: id,
        logger: pino({ level: 'silent' }),
      })
      buses.push(bus)
      const busCatchUpMs = id === 'c' ? 300 : 60_000
      relays.push(await startTestRelay({ org, relay: { store, bus, busCatchUpMs } }))
    }
    await until(() => buses.every((b) => b.connected))
    accounts = (org.snapshot().Account ?? [])
      .filter((a) => a.IsDeleted !== true)
      .map((a) => `Account/${String(a.Id)}`)
  })
  afterAll(async () => {
    for (const d of devices) d.close()
    for (const t of relays) await t.relay.close()
    for (const t of relays) await new Promise<void>((resolve) => t.server.close(() => resolve()))
    for (const b of buses) await b.close()
    await store.close()
    await redis.stop()
  })
  const device = async (relay: 0 | 1 | 2, id: string): Promise<Device> => {
    const d = await Device.signIn((relays[relay] as TestRelay).url, 'rep1', id)
    devices.push(d)
    return d
  }

  it('a live edit on one relay reaches a live client of the other, both ways, and awareness too', async () => {
    const a = await device(0, 'fan-a')
    const b = await device(1, 'fan-b')
    const name = accounts[0] as string
    const pa = await a.live(name)
    const pb = await b.live(name)
    const docA = await a.open(name)
    const docB = await b.open(name)
    docA.set('Phone', '4155550100')
    await until(() => docB.get('Phone') === '4155550100')
    docB.insertText('Description', 0, 'From B: ')
    await until(() => docA.text('Description').startsWith('From B: '))
    pa.awareness.setLocalStateField('user', { name: 'Maya', field: 'Phone' })
    const aId = pa.awareness.clientID
    await until(
      () =>
        (pb.awareness.getStates().get(aId) as { user?: { field?: string } } | undefined)?.user
          ?.field === 'Phone',
    )
    pa.destroy()
    await until(() => !pb.awareness.getStates().has(aId))
    expect(docA.snapshot()).toEqual(docB.snapshot())
  })

  it('a bulk sync on one relay returns what a live client of the other relay wrote', async () => {
    const a = await device(0, 'mix-a')
    const b = await device(1, 'mix-b')
    const name = accounts[1] as string
    await a.live(name)
    // B holds the document hot (bulk), then A's client edits it live on relay A.
    await b.bulk([name])
    ;(await a.open(name)).set('Website', 'https://a.example')
    await until(async () => {
      await b.bulk([name])
      return (await b.open(name)).get('Website') === 'https://a.example'
    })
  })

  it('keeps serving while Redis restarts, and live clients of both relays converge', async () => {
    const a = await device(0, 'restart-a')
    const b = await device(1, 'restart-b')
    const name = accounts[2] as string
    await a.live(name)
    await b.live(name)
    const docA = await a.open(name)
    const docB = await b.open(name)
    const a2 = await device(0, 'restart-a2')
    await a2.live(name)
    const docA2 = await a2.open(name)
    await redis.stop()
    await until(() => buses.every((x) => !x.connected))
    // Each relay keeps syncing its own clients; the other relay's catch up once Redis is back.
    docA.set('Phone', '4155550111')
    docB.set('Website', 'https://during-outage.example')
    await until(() => docA2.get('Phone') === '4155550111')
    expect(docB.get('Phone')).not.toBe('4155550111')
    await redis.restart()
    await until(() => buses.every((x) => x.connected))
    await until(
      () =>
        docB.get('Phone') === '4155550111' &&
        docA.get('Website') === 'https://during-outage.example',
    )
    docA.insertText('Description', 0, 'After: ')
    await until(() => docB.text('Description').startsWith('After: '))
    expect(docA.snapshot()).toEqual(docB.snapshot())
  })

  it('a relay that hears nothing from the bus still converges, from the store', async () => {
    const a = await device(0, 'deaf-a')
    const c = await device(2, 'deaf-c')
    const name = accounts[3] as string
    await a.live(name)
    await c.live(name)
    const docA = await a.open(name)
    const docC = await c.open(name)
    docA.set('Phone', '4155550122')
    docA.insertText('Description', 0, 'Heard by nobody: ')
    await until(
      () =>
        docC.get('Phone') === '4155550122' &&
        docC.text('Description').startsWith('Heard by nobody: '),
    )
    expect(docC.snapshot()).toEqual(docA.snapshot())
  })

  it('a session signed in on one relay is good on another: same user, Salesforce reached with its sign-in', async () => {
    const a = await device(0, 'switch-a')
    const urlB = (relays[1] as TestRelay).url
    const auth = { headers: { authorization: `Bearer ${a.token}` } }
    const session = await fetch(`${urlB}/auth/session`, auth)
    expect(session.status).toBe(200)
    expect(await session.json()).toMatchObject({ user: { id: a.userId }, device: a.id })
    // Relay B reads Salesforce with the refresh token relay A stored (the same secret seals it).
    const schema = await fetch(`${urlB}/api/schemas/Account`, auth)
    expect(schema.status).toBe(200)
    expect(await schema.json()).toMatchObject({ schema: { name: 'Account' } })
    // Signed out on B, the session ends on A too.
    expect((await fetch(`${urlB}/auth/logout`, { method: 'POST', ...auth })).status).toBeLessThan(
      300,
    )
    expect((await a.fetch('/auth/session')).status).toBe(401)
  })
})
