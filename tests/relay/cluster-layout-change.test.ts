import { randomUUID } from 'node:crypto'
import type { Org } from '@briefcase/org'
import { ProfileName, createOrg } from '@briefcase/org'
import type { YjsEngineDoc } from '@briefcase/record'
import { PostgresLeases, PostgresRelayStore, openPostgresDatabase } from '@briefcase/relay'
import type { RedisRelayBus } from '@briefcase/relay/redis'
import { connectRedisBus } from '@briefcase/relay/redis'
import type { TestRelay } from '@briefcase/relay/testing'
import {
  checkPostgres,
  checkRedis,
  startTestRelay,
  testRedisUrl,
  testSchemas,
} from '@briefcase/relay/testing'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { Device, until } from './device.js'

const postgres = await checkPostgres()
const redis = await checkRedis()
const title = [postgres, redis].reduce(
  (t, check) => check.title(t),
  'a readability change among relays sharing PostgreSQL and Redis',
)
const logger = pino({ level: 'silent' })

type Row = Record<string, unknown>

/** How a relay of the test hears the others. */
interface Peer {
  /** `shared`: the test's Redis channel; `deaf`: a channel of its own (cut off from the others). */
  bus: 'shared' | 'deaf'
  /** How often it catches live documents up from the store, in ms. */
  catchUpMs: number
}

/** Everything a device's replica holds, as text (to look for a field it may not read). */
function replicaText(device: Device): string {
  return [...device.docs.values()]
    .map((d) => JSON.stringify((d.engineDoc as YjsEngineDoc).ydoc.toJSON()))
    .join('\n')
}

/** The close codes a live provider receives. */
function closesOf(provider: WebsocketProvider): number[] {
  const closes: number[] = []
  provider.on('connection-close', (event: { code: number } | null) => {
    if (event) closes.push(event.code)
  })
  return closes
}

/**
 * A device told its document moved: it stops its live copy, sends its replica once (the relay
 * forwards what it holds and answers MOVED), drops it and fetches the record's current documents.
 */
async function move(device: Device, provider: WebsocketProvider, record: string): Promise<void> {
  provider.destroy()
  const [answer] = await device.bulk([record])
  expect(answer).toMatchObject({ ok: false, code: 'BRIEFCASE_DOCUMENT_MOVED' })
  for (const name of [...device.docs.keys()]) {
    if (name.startsWith(record)) {
      device.docs.delete(name)
      device.relayVectors.delete(name)
    }
  }
  await device.describe('Account', true)
  const answers = await device.bulk(await device.names(record))
  expect(answers.every((a) => a.ok)).toBe(true)
}

/** Occurrences of `part` in `text`. */
function count(text: string, part: string): number {
  return text.split(part).length - 1
}

/**
 * ADR 0005 among relays: a layout change one relay observes retires documents on all of them.
 * Every test has its own org, PostgreSQL schema and Redis channel prefix; relay A observes the
 * change (a rep's describe shows Phone hidden); the others learn it from the bus, or only from
 * the store.
 */
describe.skipIf(!postgres.available || !redis.available)(title, () => {
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined)
    closers.length = 0
  })

  const start = async (
    peers: Peer[],
  ): Promise<{ org: Org; relays: TestRelay[]; record: string }> => {
    const org = createOrg({ accounts: 4 })
    closers.push(() => org.close())
    const schemas = testSchemas()
    closers.push(() => schemas.dropAll())
    const first = await schemas.open()
    const prefix = `layout-${randomUUID()}:`
    const relays: TestRelay[] = []
    const buses: RedisRelayBus[] = []
    for (const [i, peer] of [{ bus: 'shared', catchUpMs: 60_000 } as Peer, ...peers].entries()) {
      const database =
        i === 0 ? first : await openPostgresDatabase({ url: schemas.url, schema: first.schema })
      if (i > 0) schemas.track(database)
      const bus = await connectRedisBus({
        url: testRedisUrl(),
        prefix: peer.bus === 'shared' ? prefix : `deaf-${randomUUID()}:`,
        relayId: `relay-${i}`,
        logger,
      })
      const leases = new PostgresLeases({ database, holder: `relay-${i}`, logger })
      const t = await startTestRelay({
        org,
        projection: { options: { debounceMs: 10 } },
        relay: {
          store: new PostgresRelayStore({ database }),
          bus,
          leases,
          busCatchUpMs: peer.catchUpMs,
          cacheTtlMs: { describe: 0 },
        },
      })
      closers.push(async () => {
        await t.relay.close()
        await new Promise<void>((resolve) => {
          t.server.close(() => resolve())
          if ('closeAllConnections' in t.server) t.server.closeAllConnections()
        })
        await bus.close()
        await leases.close()
      })
      relays.push(t)
      buses.push(bus)
    }
    await until(() => buses.every((b) => b.connected))
    const rep1 = org.users.find((u) => u.username === 'rep1@briefcase.test')
    const row = (org.snapshot().Account ?? []).find(
      (r: Row) => r.IsDeleted !== true && r.OwnerId === rep1?.id,
    )
    return { org, relays, record: `Account/${String(row?.Id)}` }
  }
  const device = async (relay: TestRelay, user: 'rep1' | 'manager', id: string) => {
    const d = await Device.signIn(relay.url, user, id)
    closers.push(() => Promise.resolve(d.close()))
    return d
  }
  /** A device holding `record` live on `relay`, and the close codes its socket receives. */
  const liveOn = async (
    relay: TestRelay,
    user: 'rep1' | 'manager',
    id: string,
    record: string,
  ): Promise<{ d: Device; provider: WebsocketProvider; closes: number[] }> => {
    const d = await device(relay, user, id)
    await d.bulk([record])
    const provider = await d.live(record)
    return { d, provider, closes: closesOf(provider) }
  }
  /** The admin hides Phone from Field Reps; relay A learns it when a rep syncs there. */
  const hidePhone = async (org: Org, a: TestRelay, record: string): Promise<void> => {
    const rep = await device(a, 'rep1', `trigger-${randomUUID()}`)
    await rep.bulk([record])
    org.setFieldAccess(ProfileName.fieldRep, 'Account', 'Phone', 'hidden')
    await rep.describe('Account', true)
    await rep.bulk([record])
  }
  const orgRow = (org: Org, record: string): Row | undefined =>
    org.snapshot().Account?.find((r: Row) => `Account/${String(r.Id)}` === record)

  it('closes a live socket on another relay with 4409; the device moves, and edits made around the change land once', async () => {
    const { org, relays, record } = await start([{ bus: 'shared', catchUpMs: 60_000 }])
    const [a, b] = relays as [TestRelay, TestRelay]
    const { d: rep, provider, closes } = await liveOn(b, 'rep1', 'rep-on-b', record)
    const before = (await rep.open(record)).text('Description')

    await hidePhone(org, a, record)
    // Made on relay B's copy while the change travels: it may reach the retired document.
    ;(await rep.open(record)).insertText('Description', 0, '<around>')
    // B catches up from the store only every minute: the close came over the bus.
    await until(() => closes.includes(4409), 5000)

    await move(rep, provider, record)
    expect(replicaText(rep)).not.toMatch(/Phone|Credit_Limit__c/)
    const movedCloses = closesOf(await rep.live(record))
    const doc = await rep.open(record)
    expect(Object.keys(doc.schema.fields)).not.toContain('Phone')
    doc.insertText('Description', 0, '<after>')
    doc.set('Website', 'https://after.example')

    // A device on relay A sees both edits in the current main document, each once.
    const reader = await device(a, 'manager', 'reader-on-a')
    await until(async () => {
      await reader.bulk(await reader.names(record))
      const text = (await reader.open(record)).text('Description')
      return text.includes('<after>') && text.includes('<around>')
    }, 10_000)
    const text = (await reader.open(record)).text('Description')
    expect([count(text, '<around>'), count(text, '<after>')]).toEqual([1, 1])
    expect(text.endsWith(before)).toBe(true)
    // The org receives them once too, and the move left the socket on the new document open.
    await until(() => {
      const row = orgRow(org, record)
      return (
        row?.Website === 'https://after.example' &&
        String(row.Description).includes('<around>') &&
        String(row.Description).includes('<after>')
      )
    }, 60_000).catch(() => {
      const row = orgRow(org, record)
      const held = { Website: row?.Website, Description: row?.Description }
      throw new Error(`The org holds ${JSON.stringify(held)}`)
    })
    const written = String(orgRow(org, record)?.Description)
    expect([count(written, '<around>'), count(written, '<after>')]).toEqual([1, 1])
    expect(movedCloses).toEqual([])
    expect(replicaText(rep)).not.toMatch(/Phone|Credit_Limit__c/)
  }, 120_000)

  it('a relay cut off from Redis sees the new layout at its next access, and closes its live sockets then', async () => {
    const { org, relays, record } = await start([{ bus: 'deaf', catchUpMs: 60_000 }])
    const [a, c] = relays as [TestRelay, TestRelay]
    const { d: rep, provider, closes } = await liveOn(c, 'rep1', 'rep-live-on-c', record)
    const manager = await device(c, 'manager', 'manager-on-c')
    await manager.bulk(await manager.names(record))

    await hidePhone(org, a, record)
    // C heard nothing, and the manager's view did not change: the manager's next sync there
    // still finds the document moved (C looked at the store's views), not the retired one served
    // as current.
    const [answer] = await manager.bulk([record])
    expect(answer).toMatchObject({ ok: false, code: 'BRIEFCASE_DOCUMENT_MOVED' })
    // That access refreshed C's layout: its live socket on the retired document is closed.
    await until(() => closes.includes(4409), 5000)
    manager.docs.clear()
    manager.relayVectors.clear()
    await manager.describe('Account', true)
    const names = await manager.names(record)
    expect(names).toHaveLength(3)
    expect((await manager.bulk(names)).every((x) => x.ok)).toBe(true)
    expect(Object.keys((await manager.open(record)).schema.fields)).not.toContain('Phone')
    expect((await manager.open(await manager.nameOf(record, 'Phone'))).get('Phone')).toBe(
      orgRow(org, record)?.Phone,
    )
    // The rep moves on C and holds no Phone.
    await move(rep, provider, record)
    expect(replicaText(rep)).not.toMatch(/Phone|Credit_Limit__c/)
  }, 90_000)

  it('a relay cut off from Redis closes its live sockets on retired documents at its next catch-up', async () => {
    const { org, relays, record } = await start([{ bus: 'deaf', catchUpMs: 500 }])
    const [a, c] = relays as [TestRelay, TestRelay]
    const { closes } = await liveOn(c, 'rep1', 'rep-live-on-c', record)
    await hidePhone(org, a, record)
    await until(() => closes.includes(4409), 5000)
  }, 90_000)

  it('two relays given the same retired replica at once forward its edits once', async () => {
    const { org, relays, record } = await start([{ bus: 'shared', catchUpMs: 60_000 }])
    const [a, b] = relays as [TestRelay, TestRelay]
    // One device, its replica sent to both relays at once (say a retry through another relay).
    const onA = await device(a, 'manager', 'twin')
    const onB = await device(b, 'manager', 'twin')
    await onA.bulk([record])
    await onB.describe('Account')
    const before = (await onA.open(record)).text('Description')
    ;(await onA.open(record)).insertText('Description', 0, '<offline>')
    await onB.open(record, (await onA.open(record)).encodeState())

    await hidePhone(org, a, record)
    const answers = await Promise.all([onA.bulk([record]), onB.bulk([record])])
    for (const [answer] of answers)
      expect(answer).toMatchObject({ ok: false, code: 'BRIEFCASE_DOCUMENT_MOVED' })

    const reader = await device(b, 'manager', 'reader-on-b')
    await reader.bulk(await reader.names(record))
    expect((await reader.open(record)).text('Description')).toBe(`<offline>${before}`)
    await until(() => String(orgRow(org, record)?.Description).startsWith('<offline>'), 30_000)
    expect(orgRow(org, record)?.Description).toBe(`<offline>${before}`)
  }, 90_000)
})
