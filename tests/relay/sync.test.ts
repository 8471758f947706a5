import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import { RecordDocument, yjsEngine } from '@briefcase/record'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from './device.js'

describe('sync between devices through the relay', () => {
  let org: Org
  let t: TestRelay
  let accounts: string[]
  const devices: Device[] = []
  beforeAll(async () => {
    org = createOrg({ accounts: 12 })
    t = await startTestRelay({ org })
    accounts = (org.snapshot().Account ?? [])
      .filter((a) => a.IsDeleted !== true)
      .map((a) => `Account/${String(a.Id)}`)
  })
  afterAll(async () => {
    for (const d of devices) d.close()
    await t.close()
  })
  const device = async (user: 'rep1' | 'rep2' | 'manager', id: string): Promise<Device> => {
    const d = await Device.signIn(t.url, user, id)
    devices.push(d)
    return d
  }

  it('syncs two devices live: an edit on one shows on the other', async () => {
    const a = await device('rep1', 'live-a')
    const b = await device('rep1', 'live-b')
    const name = accounts[0] as string
    await a.live(name)
    await b.live(name)
    const docA = await a.open(name)
    const docB = await b.open(name)
    const row = org.snapshot().Account?.find((r) => `Account/${String(r.Id)}` === name)
    expect(docA.get('Name')).toBe(row?.Name)
    expect(docB.get('Name')).toBe(docA.get('Name'))
    docA.set('Phone', '4155550142')
    await until(() => docB.get('Phone') === '4155550142')
    docB.insertText('Description', 0, 'Live: ')
    await until(() => docA.text('Description').startsWith('Live: '))
    expect(docA.snapshot()).toEqual(docB.snapshot())
  })

  it("shares awareness (cursors) between a document's connections and removes it when one closes", async () => {
    const a = await device('rep1', 'aware-a')
    const b = await device('rep1', 'aware-b')
    const name = accounts[1] as string
    const pa = await a.live(name)
    const pb = await b.live(name)
    pa.awareness.setLocalStateField('user', { name: 'Maya', field: 'Phone' })
    const aId = pa.awareness.clientID
    await until(
      () =>
        (pb.awareness.getStates().get(aId) as { user?: { field?: string } } | undefined)?.user
          ?.field === 'Phone',
    )
    pa.destroy()
    await until(() => !pb.awareness.getStates().has(aId))
  })

  it('reconciles a cache in one bulk round trip, and a second device gets the edits', async () => {
    const a = await device('rep1', 'bulk-a')
    const names = accounts.slice(0, 8)
    const first = await a.bulk(names)
    expect(first.every((r) => r.ok)).toBe(true)
    expect(a.docs.size).toBe(8)
    for (const name of names.slice(0, 3))
      (await a.open(name)).set('Website', 'https://offline.example')
    const before = a.roundTrips
    const second = await a.bulk()
    expect(a.roundTrips - before).toBe(1)
    expect(second.every((r) => r.ok)).toBe(true)
    const b = await device('rep1', 'bulk-b')
    await b.bulk(names)
    for (const name of names.slice(0, 3))
      expect((await b.open(name)).get('Website')).toBe('https://offline.example')
    for (const name of names)
      expect((await b.open(name)).snapshot()).toEqual((await a.open(name)).snapshot())
  })

  it('reconciles a cache in one streamed request, answering each document, refusals included', async () => {
    const a = await device('rep1', 'stream-a')
    const names = accounts.slice(0, 8)
    const first = await a.stream([...names, 'Account/not-a-record-id'])
    expect(first.slice(0, 8).every((r) => 'name' in r && r.ok)).toBe(true)
    expect(first[8]).toMatchObject({ ok: false, code: 'BRIEFCASE_INVALID_NAME' })
    expect(a.docs.size).toBe(8)
    for (const name of names.slice(0, 3))
      (await a.open(name)).set('Website', 'https://streamed.example')
    const before = a.roundTrips
    const second = await a.stream(names)
    expect(a.roundTrips - before).toBe(1)
    expect(second.map((r) => 'name' in r && r.ok && r.name)).toEqual(names)
    // Answered only once durable: another device (plain bulk route) reads the edits.
    const b = await device('rep1', 'stream-b')
    await b.bulk(names)
    for (const name of names.slice(0, 3))
      expect((await b.open(name)).get('Website')).toBe('https://streamed.example')
  })

  it('ends a malformed stream with an aborted frame carrying BRIEFCASE_BAD_REQUEST', async () => {
    const a = await device('rep1', 'stream-bad')
    const answers = await a.rawStream([Uint8Array.of(2, 5, 1, 2)])
    expect(answers).toHaveLength(1)
    expect(answers[0]).toMatchObject({ aborted: { code: 'BRIEFCASE_BAD_REQUEST' } })
    const version = await a.rawStream([Uint8Array.of(1, 0)])
    expect(version).toMatchObject([{ aborted: { code: 'BRIEFCASE_BAD_REQUEST' } }])
  })

  it('keeps an edit durable: a restarted hub serves it from the store', async () => {
    const a = await device('rep1', 'durable-a')
    const name = accounts[5] as string
    await a.bulk([name])
    ;(await a.open(name)).set('Phone', '4155550199')
    await a.bulk([name])
    const stored = await t.store.listDocs({ name })
    expect(stored.length).toBeGreaterThan(0)
    const loaded = await t.store.loadDocs(stored.map((m) => ({ name: m.name, group: m.group })))
    expect([...loaded.values()].some((d) => d.updates.length > 0 || d.state !== null)).toBe(true)
  })

  it('creates a draft offline and syncs it to another device of the user, not to another user', async () => {
    const a = await device('rep1', 'draft-a')
    const draft = RecordDocument.createDraft({
      engine: yjsEngine,
      schema: await a.schema('Account'),
      actor: { user: a.userId, device: a.clock.device },
      clock: a.clock,
      values: { Name: 'Offline Co' },
    })
    a.adopt(draft)
    const [answer] = await a.bulk([draft.name])
    expect(answer?.ok).toBe(true)
    const b = await device('rep1', 'draft-b')
    await b.bulk([draft.name])
    expect((await b.open(draft.name)).get('Name')).toBe('Offline Co')
    const other = await device('rep2', 'draft-other')
    const [refused] = await other.bulk([draft.name])
    expect(refused).toMatchObject({ ok: false, code: 'BRIEFCASE_FORBIDDEN' })
  })
})
