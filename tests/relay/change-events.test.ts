import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { SqlitePullStore, SqliteRelayStore } from '@briefcase/relay'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from './device.js'

/** No poll runs during these tests: whatever arrives, the change stream brought. */
const NO_POLL = { pull: { intervalMs: 3_600_000 } }

let org: Org
let dir: string
beforeAll(() => {
  org = createOrg({ accounts: 4 })
  dir = mkdtempSync(join(tmpdir(), 'briefcase-cdc-'))
})
afterAll(async () => {
  await org.close()
  rmSync(dir, { recursive: true, force: true })
})

async function relayOn(
  file: string,
  received: number[] = [],
  onAcknowledged: (replayId: number) => void = () => undefined,
): Promise<TestRelay> {
  const t = await startTestRelay({
    org,
    file,
    logLevel: process.env.CDC_LOG ?? 'silent',
    projection: {
      ...NO_POLL,
      changeEvents: { refreshIntervalMs: 50, safetyIntervalMs: 3_600_000, restartDelayMs: 50 },
      onStreamStage: (stage, event) => {
        if (stage === 'received') received.push(event.replayId)
        if (stage === 'acknowledged') onAcknowledged(event.replayId)
      },
    },
  })
  return t
}

/** The relay's store transactions so far (its metric). */
async function transactions(t: TestRelay): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text()
  const line = text
    .split('\n')
    .find((l) => l.startsWith('briefcase_store_commits_total{durability="written"}'))
  return line ? Number(line.split(' ')[1]) : 0
}

/** Waits until the relay follows Account's change events. */
async function streaming(t: TestRelay): Promise<void> {
  await until(() => t.relay.projection?.stream?.status().streamed.includes('Account') === true)
}

/** Waits until a device, syncing in bulk, holds `value` in `field` of a document. */
async function sees(
  device: Device,
  name: string,
  field: string,
  value: unknown,
  ms = 5000,
): Promise<void> {
  await until(async () => {
    await device.bulk()
    return (await device.open(name)).get(field) === value
  }, ms)
}

/** A change made in Salesforce by the manager (in process: the org outlives the relays). */
async function patch(id: string, fields: Record<string, unknown>): Promise<Response> {
  return org.app.request(`/services/data/v62.0/sobjects/Account/${id}`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${org.issueToken('manager@briefcase.test')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(fields),
  })
}

describe('the relay follows Salesforce change events', () => {
  it('shows a Salesforce change on a device holding the record live within 2 s, without polling', async () => {
    const id = String(org.snapshot().Account?.[0]?.Id)
    const name = `Account/${id}`
    const t = await startTestRelay({ org, projection: NO_POLL })
    const phone = await Device.signIn(t.url, 'rep1', 'cdc-live')
    await phone.bulk([name])
    await phone.live(name)
    await streaming(t)
    const started = Date.now()
    expect((await patch(id, { Industry: 'Streaming' })).status).toBe(204)
    await until(async () => (await phone.open(name)).get('Industry') === 'Streaming', 2000)
    expect(Date.now() - started).toBeLessThan(2000)
    expect((await phone.open(name)).pending()).toBeNull()
    await t.close()
  })

  it('asks no session for the stream while it holds no document, and follows the first', async () => {
    const id = String(org.snapshot().Account?.[3]?.Id)
    const name = `Account/${id}`
    org.clearCalls()
    const t = await relayOn(join(dir, 'empty.sqlite'))
    // Signing in loads jsforce too: a stream opened at start would have its token by then.
    const phone = await Device.signIn(t.url, 'rep1', 'cdc-empty')
    await new Promise((resolve) => setTimeout(resolve, 300))
    // The stream's session is the connected app's client-credentials user (the manager).
    const streamTokens = (): number =>
      org
        .calls()
        .filter((c) => c.path === '/services/oauth2/token' && c.user === 'manager@briefcase.test')
        .length
    expect(streamTokens()).toBe(0)
    expect(t.relay.projection?.stream?.status()).toEqual({ streamed: [], polled: [] })
    await phone.bulk([name])
    await streaming(t)
    expect(streamTokens()).toBe(1)
    await t.close()
  })

  it('reads once the changes made between an object’s first document and its subscription', async () => {
    const id = String(org.snapshot().Account?.[2]?.Id)
    const name = `Account/${id}`
    const t = await startTestRelay({ org, projection: NO_POLL })
    const phone = await Device.signIn(t.url, 'rep1', 'cdc-window')
    await phone.bulk([name])
    // The relay held no Account before: its subscription is still on its way.
    expect(t.relay.projection?.stream?.status().streamed).not.toContain('Account')
    expect((await patch(id, { Industry: 'In the window' })).status).toBe(204)
    await sees(phone, name, 'Industry', 'In the window', 10_000)
    await t.close()
  })

  it("applies an event to each partition's document (only the fields its readers may read), with no Salesforce call", async () => {
    const id = String(org.snapshot().Account?.[1]?.Id)
    const name = `Account/${id}`
    const received: number[] = []
    const acknowledged: number[] = []
    let callsAtAck = -1
    const t = await relayOn(join(dir, 'partitions.sqlite'), received, (replayId) => {
      acknowledged.push(replayId)
      callsAtAck = org.calls().length
    })
    const rep = await Device.signIn(t.url, 'rep1', 'cdc-fls-rep')
    const manager = await Device.signIn(t.url, 'manager', 'cdc-fls-manager')
    // The relay knows both views (so both partitions) once each user has described Account.
    await rep.describe('Account')
    await manager.describe('Account', true)
    const credit = await manager.nameOf(name, 'Credit_Limit__c')
    expect(credit).not.toBe(name)
    await rep.bulk([name])
    await manager.bulk([name, credit])
    await streaming(t)
    org.clearCalls()
    expect((await patch(id, { Industry: 'Partitioned', Credit_Limit__c: 777_000 })).status).toBe(
      204,
    )
    await until(() => acknowledged.length > 0)
    // Between the change and its acknowledgement the org served the PATCH and the stream only.
    const during = org
      .calls()
      .slice(0, callsAtAck)
      .filter((c) => !c.path.startsWith('/cometd/'))
    expect(during.map((c) => `${c.method} ${c.path}`)).toEqual([
      `PATCH /services/data/v62.0/sobjects/Account/${id}`,
    ])
    await sees(manager, credit, 'Credit_Limit__c', 777_000)
    await sees(manager, name, 'Industry', 'Partitioned')
    await sees(rep, name, 'Industry', 'Partitioned')
    const repDoc = JSON.stringify((await rep.open(name)).snapshot())
    expect(repDoc).not.toContain('Credit_Limit__c')
    expect(repDoc).not.toContain('777000')
    await t.close()
  })

  it('takes in an event naming many records (a collection call) in one store transaction, not one per record', async () => {
    const many = createOrg({ accounts: 12 })
    const names = (many.snapshot().Account ?? []).map((a) => `Account/${String(a.Id)}`)
    const named: number[] = []
    const acknowledged: number[] = []
    const t = await startTestRelay({
      org: many,
      projection: {
        ...NO_POLL,
        changeEvents: { safetyIntervalMs: 3_600_000 },
        onStreamStage: (stage, event) => {
          if (stage === 'received') named.push(event.recordIds.length)
          if (stage === 'acknowledged') acknowledged.push(event.replayId)
        },
      },
    })
    const phone = await Device.signIn(t.url, 'manager', 'cdc-many')
    await phone.bulk(names)
    await streaming(t)
    const before = await transactions(t)
    const records = names.map((n) => ({
      attributes: { type: 'Account' },
      id: n.split('/')[1],
      Website: 'https://many.example',
    }))
    const res = await many.app.request('/services/data/v62.0/composite/sobjects', {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${many.issueToken('manager@briefcase.test')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ allOrNone: true, records }),
    })
    expect(res.status).toBe(200)
    // The org names the records in a few events (those with the same changed fields share one).
    const total = (): number => named.reduce((n, c) => n + c, 0)
    await until(() => total() === names.length && acknowledged.length === named.length)
    expect(named.length).toBeLessThan(names.length / 2)
    // A transaction (and fsync) for each event's documents, one more if a commit was under way.
    expect((await transactions(t)) - before).toBeLessThanOrEqual(named.length + 1)
    for (const name of names) await sees(phone, name, 'Website', 'https://many.example')
    await t.close()
    await many.close()
  })

  it('reads the changes made while Faye resubscribes before any event was acknowledged', async () => {
    const id = String(org.snapshot().Account?.[2]?.Id)
    const name = `Account/${id}`
    const t = await startTestRelay({ org, projection: NO_POLL })
    const phone = await Device.signIn(t.url, 'rep1', 'cdc-forgotten')
    await phone.bulk([name])
    await streaming(t)
    // The org forgets the relay's client: Faye handshakes again and subscribes from new events
    // (no replay id acknowledged yet), after this change.
    org.dropStreamingClients()
    expect((await patch(id, { Industry: 'While forgotten' })).status).toBe(204)
    await sees(phone, name, 'Industry', 'While forgotten', 10_000)
    await t.close()
  })

  it('marks a record deleted in Salesforce as deleted on the device at once', async () => {
    const id = String(org.snapshot().Account?.[3]?.Id)
    const name = `Account/${id}`
    const t = await relayOn(join(dir, 'delete.sqlite'))
    const phone = await Device.signIn(t.url, 'rep1', 'cdc-delete')
    await phone.bulk([name])
    await streaming(t)
    const res = await org.app.request(`/services/data/v62.0/sobjects/Account/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${org.issueToken('manager@briefcase.test')}` },
    })
    expect(res.status).toBe(204)
    await until(async () => {
      await phone.bulk()
      return (await phone.open(name)).isDeleted()
    }, 2000)
    expect((await phone.open(name)).pending()).toBeNull()
    await t.close()
  })

  it('polls an object that publishes no change events (not selected in the org)', async () => {
    const lead = org.snapshot().Lead?.find((r) => r.IsDeleted !== true)
    const name = `Lead/${String(lead?.Id)}`
    const t = await startTestRelay({
      org,
      projection: { pull: { intervalMs: 200 }, changeEvents: { safetyIntervalMs: 3_600_000 } },
    })
    const phone = await Device.signIn(t.url, 'manager', 'cdc-lead')
    await phone.bulk([name])
    await until(() => t.relay.projection?.stream?.status().polled.includes('Lead') === true)
    expect(t.relay.projection?.stream?.status().streamed).not.toContain('Lead')
    const res = await org.app.request(`/services/data/v62.0/sobjects/Lead/${String(lead?.Id)}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${org.issueToken('manager@briefcase.test')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ Company: 'Polled Co' }),
    })
    expect(res.status).toBe(204)
    await sees(phone, name, 'Company', 'Polled Co')
    await t.close()
  })

  it('resumes after a cut stream and after a restart from the last acknowledged event', async () => {
    const id = String(org.snapshot().Account?.[1]?.Id)
    const name = `Account/${id}`
    const file = join(dir, 'resume.sqlite')
    const first: number[] = []
    let t = await relayOn(file, first)
    const phone = await Device.signIn(t.url, 'rep2', 'cdc-resume')
    await phone.bulk([name])
    await streaming(t)
    await patch(id, { Phone: '(415) 555-0101' })
    await sees(phone, name, 'Phone', '(415) 555-0101')
    // Cut: every streaming client is dropped; Faye handshakes again and the relay resumes.
    org.dropStreamingClients()
    await patch(id, { Website: 'https://cut.example' })
    await sees(phone, name, 'Website', 'https://cut.example', 10_000)
    const acknowledged = Math.max(...first)
    await t.close()
    // While no relay runs, Salesforce keeps changing; the next relay replays what followed.
    await patch(id, { BillingCity: 'While Down' })
    const second: number[] = []
    t = await relayOn(file, second)
    await streaming(t)
    const again = await Device.signIn(t.url, 'rep2', 'cdc-resume-2')
    await again.bulk([name])
    await sees(again, name, 'BillingCity', 'While Down', 10_000)
    expect(second.length).toBeGreaterThan(0)
    expect(Math.min(...second)).toBeGreaterThan(acknowledged)
    await t.close()
  })

  it('replays an event applied but never acknowledged (relay dead in between), changing nothing twice', async () => {
    const id = String(org.snapshot().Account?.[0]?.Id)
    const name = `Account/${id}`
    const file = join(dir, 'unacknowledged.sqlite')
    let freeze = false
    let frozenAt = 0
    let release: () => void = () => undefined
    const a = await startTestRelay({
      org,
      file,
      projection: {
        ...NO_POLL,
        changeEvents: { safetyIntervalMs: 3_600_000 },
        // The relay "dies" after applying an event and before acknowledging it: it never goes on.
        onStreamStage: (stage, event) => {
          if (stage !== 'applied' || !freeze) return
          frozenAt = event.replayId
          return new Promise<void>((resolve) => (release = resolve))
        },
      },
    })
    const phone = await Device.signIn(a.url, 'rep1', 'cdc-frozen')
    await phone.bulk([name])
    await streaming(a)
    await patch(id, { Description: 'Base text' })
    await sees(phone, name, 'Description', 'Base text')
    freeze = true
    await patch(id, { Description: 'Base text plus one' })
    await until(() => frozenAt > 0)
    const replayed: number[] = []
    const b = await relayOn(file, replayed)
    const again = await Device.signIn(b.url, 'rep1', 'cdc-frozen-2')
    await again.bulk([name])
    await until(() => replayed.includes(frozenAt))
    await sees(again, name, 'Description', 'Base text plus one')
    expect((await again.open(name)).pending()).toBeNull()
    await b.close()
    release()
    await a.close()
  })

  it('heals a gap (a replay id older than the retention window) with a full pull of the object', async () => {
    const id = String(org.snapshot().Account?.[2]?.Id)
    const name = `Account/${id}`
    const file = join(dir, 'gap.sqlite')
    let t = await relayOn(file)
    const phone = await Device.signIn(t.url, 'rep1', 'cdc-gap')
    await phone.bulk([name])
    await streaming(t)
    await patch(id, { Rating: 'Warm' })
    await sees(phone, name, 'Rating', 'Warm')
    await t.close()
    await patch(id, { Rating: 'Hot' })
    // The puller's watermark is past the lost change: only a read of the whole object finds it.
    const store = new SqliteRelayStore({ file })
    const marks = new SqlitePullStore({ database: store.database })
    const future = new Date(org.now() + 74 * 3_600_000).toISOString()
    await marks.setWatermark('Account', { updated: future, deleted: future })
    await store.close()
    // Three days later, the events are gone: the relay's replay id is refused.
    org.advanceClock(73 * 3_600_000)
    t = await relayOn(file)
    const again = await Device.signIn(t.url, 'rep1', 'cdc-gap-2')
    await again.bulk([name])
    await sees(again, name, 'Rating', 'Hot', 10_000)
    expect(t.relay.projection?.stream?.status().streamed).toContain('Account')
    await t.close()
    org.resetClock()
  })
})
