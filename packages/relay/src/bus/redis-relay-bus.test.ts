import { randomUUID } from 'node:crypto'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedisProcess } from '../testing/redis-process.js'
import { checkRedisServer, freePort, startRedisProcess } from '../testing/redis-process.js'
import { decodeBusMessage, encodeBusMessage } from './bus-codec.js'
import { LayoutMessageSchema } from './layout-message.js'
import type { BusMessage } from './relay-bus.js'
import { REDIS_UNREACHABLE, connectRedisBus } from './redis-relay-bus.js'
import type { RedisRelayBus } from './redis-relay-bus.js'

const logger = pino({ level: 'silent' })
const redisServer = await checkRedisServer()

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('bus messages', () => {
  it('encode and decode both kinds, binary updates intact', () => {
    const updates: BusMessage = {
      kind: 'updates',
      relay: 'r1',
      key: { name: 'Account/001000000000001AAA', group: 'Account:p0' },
      seq: 123456,
      fromDevice: true,
      bulk: false,
      updates: [new Uint8Array([0, 1, 255]), new Uint8Array([])],
    }
    expect(decodeBusMessage(encodeBusMessage(updates))).toEqual(updates)
    const awareness: BusMessage = {
      kind: 'awareness',
      relay: 'r2',
      key: { name: 'Account/x', group: 'g' },
      update: new Uint8Array([9, 8, 7]),
    }
    expect(decodeBusMessage(encodeBusMessage(awareness))).toEqual(awareness)
    expect(decodeBusMessage(new Uint8Array([7, 7]))).toBeUndefined()
  })

  it('encode and decode a layout change; a layout message with bad fields does not pass the check', () => {
    const layout: BusMessage = {
      kind: 'layout',
      relay: 'r3',
      sobject: 'Account',
      partitions: ['Account:p1', 'Account:p2'],
    }
    const decoded = decodeBusMessage(encodeBusMessage(layout))
    expect(decoded).toEqual(layout)
    expect(LayoutMessageSchema.safeParse(decoded).success).toBe(true)
    // Cut short: not a message.
    expect(decodeBusMessage(encodeBusMessage(layout).slice(0, 12))).toBeUndefined()
    for (const bad of [
      { sobject: 'Account; DROP' },
      { sobject: '' },
      { partitions: [] },
      { partitions: [''] },
      { relay: '' },
    ]) {
      const message = decodeBusMessage(encodeBusMessage({ ...layout, ...bad }))
      expect(LayoutMessageSchema.safeParse(message).success).toBe(false)
    }
  })
})

describe.skipIf(!redisServer.available)(redisServer.title('RedisRelayBus'), () => {
  let redis: RedisProcess
  const buses: RedisRelayBus[] = []
  beforeAll(async () => {
    // A redis-server of this test's own: it is stopped and restarted below.
    redis = await startRedisProcess()
  })
  afterAll(async () => {
    for (const bus of buses) await bus.close()
    await redis.stop()
  })
  const bus = async (prefix: string, relayId: string): Promise<RedisRelayBus> => {
    const b = await connectRedisBus({ url: redis.url, prefix, relayId, logger })
    buses.push(b)
    return b
  }

  it('refuses to start when Redis does not answer, naming the URL', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    const error = await connectRedisBus({ url, logger }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: REDIS_UNREACHABLE })
    expect(String((error as Error).message)).toContain(url)
  })

  it("delivers a relay's messages to the others, never back to itself or across prefixes", async () => {
    const prefix = `t-${randomUUID()}:`
    const a = await bus(prefix, 'a')
    const b = await bus(prefix, 'b')
    const other = await bus(`t-${randomUUID()}:`, 'c')
    const got: Record<string, BusMessage[]> = { a: [], b: [], c: [] }
    for (const [name, x] of [
      ['a', a],
      ['b', b],
      ['c', other],
    ] as const) {
      x.subscribe({ message: (m) => got[name]?.push(m), resubscribed: () => undefined })
    }
    await until(() => a.connected && b.connected && other.connected)
    const message: BusMessage = {
      kind: 'awareness',
      relay: 'ignored: the bus sets its own id',
      key: { name: 'Account/1', group: 'g' },
      update: new Uint8Array([1, 2, 3]),
    }
    a.publish(message)
    await until(() => (got.b?.length ?? 0) === 1)
    expect(got.b?.[0]).toEqual({ ...message, relay: 'a' })
    // Give a stray echo time to arrive before asserting there is none.
    b.publish({ ...message, update: new Uint8Array([4]) })
    await until(() => (got.a?.length ?? 0) === 1)
    expect(got.a?.[0]).toMatchObject({ relay: 'b', update: new Uint8Array([4]) })
    expect(got.b).toHaveLength(1)
    expect(got.c).toHaveLength(0)
  })

  it('survives a Redis restart: publishing is dropped meanwhile, then it resubscribes and says so', async () => {
    const prefix = `t-${randomUUID()}:`
    const a = await bus(prefix, 'a')
    const b = await bus(prefix, 'b')
    let resubscribed = 0
    const got: BusMessage[] = []
    b.subscribe({ message: (m) => got.push(m), resubscribed: () => resubscribed++ })
    a.subscribe({ message: () => undefined, resubscribed: () => undefined })
    await until(() => a.connected && b.connected)
    await redis.stop()
    await until(() => !b.connected)
    const message: BusMessage = {
      kind: 'awareness',
      relay: 'a',
      key: { name: 'Account/1', group: 'g' },
      update: new Uint8Array([5]),
    }
    expect(() => a.publish(message)).not.toThrow()
    await redis.restart()
    await until(() => resubscribed === 1 && a.connected && b.connected)
    // Publishing works again once the publisher is back too.
    await until(() => {
      if (got.length === 0) a.publish(message)
      return got.length > 0
    })
    expect(got[0]).toMatchObject({ kind: 'awareness', relay: 'a' })
  })
})
