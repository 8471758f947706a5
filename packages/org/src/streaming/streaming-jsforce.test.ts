import { StreamingExtension } from 'jsforce/api/streaming'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MANAGER, REP1, startOrg, type TestOrg } from '../testing/org-server.js'

/** A received CometD event message's `data`. */
interface EventData {
  schema: string
  payload: { ChangeEventHeader: Record<string, unknown> } & Record<string, unknown>
  event: { replayId: number }
}

/** The part of a Faye client (jsforce's streaming client) the tests use. */
interface FayeClient {
  subscribe(
    channel: string,
    listener: (message: unknown) => void,
  ): { then(ok: () => void, fail: (error: unknown) => void): void }
  disconnect(): void
}

let t: TestOrg
const clients: FayeClient[] = []
beforeEach(async () => {
  t = await startOrg({ seed: false })
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
  await t.close()
})

/**
 * A jsforce streaming client signed in as `username`, with the replay extension. (Wrapped: a
 * Faye client is a thenable, so an async function cannot return it bare.)
 */
async function streamer(
  username: string,
  channel: string,
  replayId: number,
): Promise<{ client: FayeClient }> {
  const conn = await t.login(username)
  // jsforce's bundled Faye typings leave out disconnect(), which Faye's client has.
  const client = conn.streaming.createClient([
    new StreamingExtension.Replay(channel, replayId),
  ]) as unknown as FayeClient
  clients.push(client)
  return { client }
}

/** Subscribes and resolves once Salesforce has confirmed (rejects with its error). */
async function listen({ client }: { client: FayeClient }, channel: string): Promise<EventData[]> {
  const received: EventData[] = []
  const subscription = client.subscribe(channel, (message: unknown) => {
    received.push(message as EventData)
  })
  await new Promise<void>((resolve, reject) => {
    subscription.then(
      () => resolve(),
      (error: unknown) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
    )
  })
  return received
}

async function until<T>(read: () => T | undefined, ms = 5000): Promise<T> {
  const start = Date.now()
  for (;;) {
    const value = read()
    if (value !== undefined) return value
    if (Date.now() - start > ms) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('Streaming API: Change Data Capture with jsforce', () => {
  it('delivers create, update and delete events shaped as Salesforce shapes them', async () => {
    const events = await listen(
      await streamer(MANAGER, '/data/AccountChangeEvent', -1),
      '/data/AccountChangeEvent',
    )
    const rep = await t.login(REP1)
    const repId = rep.userInfo?.id
    const created = await rep
      .sobject('Account')
      .create({ Name: 'Acme', BillingCity: 'Lyon', Industry: 'Energy' })
    const id = created.id as string
    await rep.sobject('Account').update({ Id: id, Industry: 'Retail', BillingCity: 'Paris' })
    await rep.sobject('Account').destroy(id)
    await until(() => (events.length >= 3 ? true : undefined))
    const [create, update, remove] = events as [EventData, EventData, EventData]
    expect(create.payload.ChangeEventHeader).toMatchObject({
      entityName: 'Account',
      recordIds: [id],
      changeType: 'CREATE',
      changedFields: [],
      commitUser: repId,
      sequenceNumber: 1,
      changeOrigin: 'com/salesforce/api/rest/62.0',
    })
    expect(create.payload).toMatchObject({
      Name: 'Acme',
      Industry: 'Energy',
      OwnerId: repId,
      BillingAddress: { City: 'Lyon', Street: null, Country: null },
      CreatedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as string,
    })
    expect(create.payload).not.toHaveProperty('SystemModstamp')
    expect(create.payload).not.toHaveProperty('IsDeleted')
    expect(create.payload).not.toHaveProperty('Phone')
    expect(typeof create.payload.ChangeEventHeader.commitTimestamp).toBe('number')
    expect(update.payload.ChangeEventHeader).toMatchObject({
      changeType: 'UPDATE',
      recordIds: [id],
    })
    expect([...(update.payload.ChangeEventHeader.changedFields as string[])].sort()).toEqual([
      'BillingAddress.City',
      'Industry',
      'LastModifiedDate',
    ])
    expect(Object.keys(update.payload).sort()).toEqual(
      ['BillingAddress', 'ChangeEventHeader', 'Industry', 'LastModifiedDate'].sort(),
    )
    expect(update.payload.BillingAddress).toEqual({ City: 'Paris' })
    expect(remove.payload.ChangeEventHeader).toMatchObject({
      changeType: 'DELETE',
      recordIds: [id],
    })
    expect(Object.keys(remove.payload)).toEqual(['ChangeEventHeader'])
    expect(create.event.replayId).toBeLessThan(update.event.replayId)
    expect(update.event.replayId).toBeLessThan(remove.event.replayId)
    expect(create.schema).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })
})

/** The Bayeux error of a refused subscription, as sent (`code:params:message`). */
async function refusal({ client }: { client: FayeClient }, channel: string): Promise<string> {
  try {
    await listen({ client }, channel)
  } catch (error) {
    // Faye parses `403:a,b:text` into { code, params, message }.
    const e = JSON.parse((error as Error).message) as {
      code: number
      params: string[]
      message: string
    }
    return `${e.code}:${e.params.join(',')}:${e.message}`
  }
  throw new Error(`expected the subscription to ${channel} to be refused`)
}

describe('Streaming API: replay and retention', () => {
  it('replays every retained event with -2, what followed a replay id, and only new ones with -1', async () => {
    const manager = await t.login(MANAGER)
    const ids: string[] = []
    for (const name of ['A', 'B', 'C']) {
      ids.push((await manager.sobject('Account').create({ Name: name })).id as string)
    }
    const channel = '/data/AccountChangeEvent'
    const all = await listen(await streamer(MANAGER, channel, -2), channel)
    await until(() => (all.length === 3 ? true : undefined))
    expect(all.map((e) => e.payload.ChangeEventHeader.recordIds)).toEqual(ids.map((id) => [id]))
    const first = (all[0] as EventData).event.replayId
    const rest = await listen(await streamer(MANAGER, channel, first), channel)
    await until(() => (rest.length === 2 ? true : undefined))
    expect(rest.map((e) => e.event.replayId)).toEqual(all.slice(1).map((e) => e.event.replayId))
    const fresh = await listen(await streamer(MANAGER, channel, -1), channel)
    await manager.sobject('Account').update({ Id: ids[0] as string, Phone: '(415) 555-0100' })
    await until(() => (fresh.length === 1 ? true : undefined))
    expect(fresh[0]?.payload).toMatchObject({ Phone: '(415) 555-0100' })
  })

  it('refuses a replay id older than the retention window with Salesforce error', async () => {
    const manager = await t.login(MANAGER)
    const channel = '/data/ChangeEvents'
    const seen = await listen(await streamer(MANAGER, channel, -1), channel)
    await manager.sobject('Account').create({ Name: 'Old news' })
    const replayId = (await until(() => seen[0])).event.replayId
    t.org.advanceClock(72 * 3_600_000 + 1000)
    expect(await refusal(await streamer(MANAGER, channel, replayId), channel)).toContain(
      `The replayId {${replayId}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
    )
    const retained = await listen(await streamer(MANAGER, channel, -2), channel)
    await manager.sobject('Account').create({ Name: 'New news' })
    await until(() => (retained.length === 1 ? true : undefined))
    expect(retained[0]?.payload).toMatchObject({ Name: 'New news' })
  })
})

describe('Streaming API: admin switches and permissions', () => {
  it('publishes only the selected objects; other objects have no channel', async () => {
    expect(t.org.changeDataCapture().entities).toEqual([
      'Account',
      'Case',
      'Contact',
      'Opportunity',
      'Site_Visit__c',
    ])
    expect(
      await refusal(await streamer(MANAGER, '/data/LeadChangeEvent', -1), '/data/LeadChangeEvent'),
    ).toContain("The channel you requested to subscribe to doesn't exist {/data/LeadChangeEvent}")
    const all = await listen(
      await streamer(MANAGER, '/data/ChangeEvents', -1),
      '/data/ChangeEvents',
    )
    const manager = await t.login(MANAGER)
    await manager.sobject('Lead').create({ LastName: 'Unheard', Company: 'Quiet Co' })
    t.org.setChangeDataCapture({ entities: ['Lead', 'Site_Visit__c'] })
    const visits = await listen(
      await streamer(MANAGER, '/data/Site_Visit__ChangeEvent', -1),
      '/data/Site_Visit__ChangeEvent',
    )
    await manager
      .sobject('Lead')
      .create({ LastName: 'Heard', FirstName: 'Ada', Company: 'Loud Co' })
    await manager.sobject('Site_Visit__c').create({ Name: 'Visit' })
    await until(() => (all.length === 2 && visits.length === 1 ? true : undefined))
    expect(all[0]?.payload).toMatchObject({
      ChangeEventHeader: { entityName: 'Lead', changeType: 'CREATE' },
      Name: { FirstName: 'Ada', LastName: 'Heard' },
      Company: 'Loud Co',
    })
    expect(visits[0]?.payload.ChangeEventHeader).toMatchObject({ entityName: 'Site_Visit__c' })
    expect(() =>
      t.org.setChangeDataCapture({
        entities: ['Account', 'Contact', 'Opportunity', 'Case', 'Lead', 'Task'],
      }),
    ).toThrowError(/At most 5 entities/)
  })

  it('refuses subscribers without View All Data (a Field Rep)', async () => {
    expect(
      await refusal(
        await streamer(REP1, '/data/AccountChangeEvent', -1),
        '/data/AccountChangeEvent',
      ),
    ).toContain('denied_by_security_policy:subscribe_denied')
  })
})

describe('Streaming API: transactions', () => {
  it('publishes nothing for a rolled-back transaction; merges the same change to several records', async () => {
    const manager = await t.login(MANAGER)
    const channel = '/data/AccountChangeEvent'
    const events = await listen(await streamer(MANAGER, channel, -1), channel)
    const saved = await manager
      .sobject('Account')
      .create([{ Name: 'One' }, { Name: 'Two' }], { allOrNone: true })
    const ids = saved.map((r) => r.id as string)
    await until(() => (events.length === 2 ? true : undefined))
    const [a, b] = events.map((e) => e.payload.ChangeEventHeader)
    expect(a?.transactionKey).toBe(b?.transactionKey)
    expect([a?.sequenceNumber, b?.sequenceNumber]).toEqual([1, 2])
    await manager.sobject('Account').update(
      ids.map((Id) => ({ Id, Rating: 'Hot' })),
      { allOrNone: true },
    )
    await until(() => (events.length === 3 ? true : undefined))
    expect(events[2]?.payload.ChangeEventHeader).toMatchObject({
      changeType: 'UPDATE',
      recordIds: ids,
    })
    const rolledBack = await manager.sobject('Account').update(
      [
        { Id: ids[0] as string, Rating: 'Cold' },
        { Id: ids[1] as string, Phone: '12' },
      ],
      { allOrNone: true },
    )
    expect(rolledBack.every((r) => !r.success)).toBe(true)
    await manager.sobject('Account').update({ Id: ids[0] as string, Industry: 'Energy' })
    await until(() => (events.length >= 4 ? true : undefined))
    expect(
      events
        .slice(3)
        .map((e) => [...(e.payload.ChangeEventHeader.changedFields as string[])].sort()),
    ).toEqual([['Industry', 'LastModifiedDate']])
  })
})
