import { Writable } from 'node:stream'
import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { Device, until } from '../relay/device.js'

/**
 * The relay within Salesforce's API allowance (issue 13): it reads `Sforce-Limit-Info`, shows
 * used/remaining in /metrics, stretches the coalescing windows under the reserve, logs every
 * Salesforce call and every refused record, and on REQUEST_LIMIT_EXCEEDED keeps every change,
 * tells devices, and sends them once the allowance is back. The org's limit is set low.
 */
let org: Org
let t: TestRelay
let skew = 0
const lines: Record<string, unknown>[] = []
const devices: Device[] = []

afterEach(async () => {
  for (const d of devices.splice(0)) d.close()
  await t.close()
  await org.close()
  lines.length = 0
  skew = 0
})

async function start(apiLimit: number, apiReserve?: number): Promise<void> {
  org = createOrg({ accounts: 4, apiLimit })
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  t = await startTestRelay({
    org,
    projection: {
      options: {
        debounceMs: 10,
        maxRetryWaitMs: 0,
        ...(apiReserve === undefined ? {} : { apiReserve }),
      },
      pull: { intervalMs: 3_600_000 },
    },
    relay: { logger: pino({ level: 'info' }, stream), now: () => Date.now() + skew },
  })
}

async function device(id: string): Promise<Device> {
  const d = await Device.signIn(t.url, 'rep1', id)
  devices.push(d)
  return d
}

const firstAccount = (): string =>
  String((org.snapshot().Account ?? []).find((r) => r.IsDeleted !== true)?.Id)
const row = (id: string): Record<string, unknown> | undefined =>
  org.snapshot().Account?.find((r) => r.Id === id)
const logged = (msg: string): Record<string, unknown>[] => lines.filter((l) => l.msg === msg)

async function metric(name: string): Promise<number | undefined> {
  const text = await (await fetch(`${t.url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.split(' ')[1])
}

describe('the Salesforce API allowance', () => {
  it('reads Sforce-Limit-Info into /metrics and the log (one line per call), stretches the windows under the reserve, logs a refused record', async () => {
    // A reserve of 99.9 % of 1,000 calls: the very first calls put the relay under it.
    await start(1_000, 0.999)
    const id = firstAccount()
    const name = `Account/${id}`
    const phone = await device('metrics-phone')
    await phone.bulk([name])
    ;(await phone.open(name)).set('Website', 'https://limits.example')
    await phone.bulk()
    await until(() => row(id)?.Website === 'https://limits.example', 5_000)
    await until(() => logged('Salesforce call').some((l) => l.purpose === 'write'), 5_000)
    const write = logged('Salesforce call').find((l) => l.purpose === 'write')
    expect(write).toMatchObject({ user: phone.userId, records: 1, outcome: 'ok' })
    expect(typeof write?.durationMs).toBe('number')
    const used = org.calls().filter((c) => c.counted).length
    expect(await metric('briefcase_salesforce_api_used')).toBe(used)
    expect(await metric('briefcase_salesforce_api_remaining')).toBe(1_000 - used)
    expect(await metric('briefcase_salesforce_api_limit')).toBe(1_000)
    expect(write?.callsRemaining).toBe(1_000 - used)
    // Under the reserve: the windows are stretched, and the log says so.
    expect(t.relay.projection?.projector.schedule.windows).toEqual({
      idleMs: 4_000,
      maxWaitMs: 30_000,
      stretch: 2,
    })
    expect(logged('Salesforce API allowance under the reserve: writes coalesce longer')).toEqual([
      expect.objectContaining({ limit: 1_000, stretch: 2 }),
    ])
    // A record Salesforce refuses: one line naming the object, the Id, the code and the fields.
    ;(await phone.open(name)).set('Phone', '555-01')
    await phone.bulk()
    await until(() => logged('Salesforce refused a record').length > 0, 5_000)
    expect(logged('Salesforce refused a record')).toEqual([
      expect.objectContaining({
        object: 'Account',
        id,
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        fields: ['Phone'],
      }),
    ])
  })

  it('REQUEST_LIMIT_EXCEEDED pauses writing, keeps every change, tells the device, and sends them when the allowance is back', async () => {
    await start(60)
    const id = firstAccount()
    const name = `Account/${id}`
    const phone = await device('limit-phone')
    await phone.bulk([name])
    // A first edit goes through (the relay now knows the user's rights on the record).
    ;(await phone.open(name)).set('Website', 'https://first.example')
    await phone.bulk()
    await until(() => row(id)?.Website === 'https://first.example', 5_000)
    // Another integration spends the rest of today's allowance.
    const token = org.issueToken('manager@briefcase.test')
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${t.url}/services/data/v62.0/limits`, {
        headers: { authorization: `Bearer ${token}` },
      })
      if (res.status === 403) break
    }
    const doc = await phone.open(name)
    doc.set('Website', 'https://kept.example')
    doc.set('Phone', '4155550111')
    await phone.bulk()
    await until(async () => {
      await phone.bulk()
      return (await phone.open(name)).status()?.code === 'REQUEST_LIMIT_EXCEEDED'
    }, 5_000)
    expect((await phone.open(name)).status()).toMatchObject({
      state: 'retrying',
      code: 'REQUEST_LIMIT_EXCEEDED',
      message: "Salesforce's daily API limit is reached; changes are kept and will be sent.",
    })
    expect(
      (await phone.open(name))
        .pending()
        ?.fields.map((f) => f.field)
        .sort(),
    ).toEqual(['Phone', 'Website'])
    expect(row(id)?.Website).not.toBe('https://kept.example')
    expect(await metric('briefcase_salesforce_api_remaining')).toBe(0)
    expect(logged('Salesforce call failed')).toContainEqual(
      expect.objectContaining({ purpose: 'write', outcome: 'REQUEST_LIMIT_EXCEEDED' }),
    )
    // A new day: the allowance is back; once the pause is over, the changes go.
    org.advanceClock(24 * 60 * 60_000)
    skew += 120_000
    await t.relay.projection?.projector.runOnce()
    expect(row(id)).toMatchObject({ Website: 'https://kept.example', Phone: '4155550111' })
    await phone.bulk()
    expect((await phone.open(name)).status()?.state).toBe('ok')
    expect((await phone.open(name)).pending()?.operation ?? null).toBeNull()
  })
})
