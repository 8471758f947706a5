import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import { PostgresRelayStore } from '@briefcase/relay'
import type { TestRelay } from '@briefcase/relay/testing'
import {
  checkPostgres,
  startTcpProxy,
  startTestRelay,
  testPostgresUrl,
  testSchemas,
} from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from './device.js'

const postgres = await checkPostgres()
const target = new URL(testPostgresUrl())
const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
const through = new URL(target)
through.port = String(proxy.port)
const schemas = testSchemas(through.toString())

describe.skipIf(!postgres.available)(
  postgres.title('a relay on PostgreSQL while PostgreSQL goes away'),
  () => {
    let org: Org
    let t: TestRelay
    let accounts: string[]
    const devices: Device[] = []
    beforeAll(async () => {
      org = createOrg({ accounts: 3 })
      const store = new PostgresRelayStore({ database: await schemas.open() })
      t = await startTestRelay({ org, relay: { store }, projection: true })
      accounts = (org.snapshot().Account ?? []).map((a) => `Account/${String(a.Id)}`)
    })
    afterAll(async () => {
      proxy.restore()
      for (const d of devices) d.close()
      await t.close()
      await schemas.dropAll()
      await proxy.close()
    })
    const device = async (id: string): Promise<Device> => {
      const d = await Device.signIn(t.url, 'rep1', id)
      devices.push(d)
      return d
    }

    it('refuses a bulk sync with 503 BRIEFCASE_STORE_UNAVAILABLE, then stores it when PostgreSQL is back', async () => {
      const name = accounts[0] as string
      const a = await device('bulk-a')
      await a.bulk([name])
      const relayVector = a.relayVectors.get(name)
      ;(await a.open(name)).set('Phone', '4155550101')
      proxy.cut()
      try {
        await expect(a.bulk([name])).rejects.toThrow(/HTTP 503 .*BRIEFCASE_STORE_UNAVAILABLE/)
        // Not acknowledged: the device still holds its change and the relay's vector it knew.
        expect(a.relayVectors.get(name)).toEqual(relayVector)
        expect((await a.open(name)).get('Phone')).toBe('4155550101')
        // Long enough for the background work (projector, puller, leases) to meet the outage.
        await new Promise((r) => setTimeout(r, 2000))
      } finally {
        proxy.restore()
      }
      const answers = await a.bulk([name])
      expect(answers.every((r) => r.ok)).toBe(true)
      const b = await device('bulk-b')
      await b.bulk([name])
      expect((await b.open(name)).get('Phone')).toBe('4155550101')
      // The projector and puller lived through the outage and write the change to the org.
      const phone = () =>
        org.snapshot().Account?.find((r) => `Account/${String(r.Id)}` === name)?.Phone
      await until(() => phone() === '4155550101', 20_000)
    })

    it('closes live connections with 1013 when an edit cannot be stored, and the devices converge once PostgreSQL is back', async () => {
      const name = accounts[1] as string
      const a = await device('live-a')
      const b = await device('live-b')
      const pa = await a.live(name)
      await b.live(name)
      const closes: { code: number; reason: string }[] = []
      pa.on('connection-close', (event: { code: number; reason: string } | null) => {
        if (event) closes.push({ code: event.code, reason: event.reason })
      })
      proxy.cut()
      try {
        ;(await a.open(name)).set('Phone', '4155550202')
        await until(() => closes.length > 0, 10_000)
        expect(closes[0]?.code).toBe(1013)
        expect(closes[0]?.reason).toMatch(/^BRIEFCASE_STORE_UNAVAILABLE: /)
        // Never broadcast: the relay shares only what it stored.
        expect((await b.open(name)).get('Phone')).not.toBe('4155550202')
      } finally {
        proxy.restore()
      }
      await until(async () => (await b.open(name)).get('Phone') === '4155550202', 15_000)
      const c = await device('live-c')
      await c.bulk([name])
      expect((await c.open(name)).get('Phone')).toBe('4155550202')
      const phone = () =>
        org.snapshot().Account?.find((r) => `Account/${String(r.Id)}` === name)?.Phone
      await until(() => phone() === '4155550202', 20_000)
    })
  },
)
