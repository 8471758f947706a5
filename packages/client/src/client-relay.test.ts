import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BriefcaseClient } from './briefcase-client.js'
import type { RefreshProgressEvent } from './events.js'
import type { RecordHandle } from './record-handle.js'
import type { RelayHarness } from './testing/relay-harness.js'
import { eventually, startRelayHarness } from './testing/relay-harness.js'

let h: RelayHarness
beforeAll(async () => {
  h = await startRelayHarness()
})
afterEach(async () => {
  await h.closeDevices()
})
afterAll(async () => {
  await h.close()
})

/** Online, refreshed, the first cached Account open, and its pending-change states as they come. */
async function firstAccount(
  client: BriefcaseClient,
): Promise<{ handle: RecordHandle; states: (string | null)[] }> {
  await eventually(() => client.online, 'online')
  await client.refresh()
  const account = (await client.listCache({ sobject: 'Account' }))[0]
  if (!account) throw new Error('no account cached')
  const handle = await client.open(account.doc)
  const states: (string | null)[] = []
  client.addEventListener('pending-change', (e) => {
    if (e.doc === account.doc) states.push(e.state)
  })
  return { handle, states }
}

describe('the client against a real relay and org', () => {
  it('starts empty at sign-in and fills the default cache on refresh, with progress', async () => {
    const { client } = await h.device('phone-1', 'rep1@briefcase.test')
    expect(client.session?.user.id).toBe(h.org.users[0]?.id)
    await eventually(() => client.online, 'online')
    expect(await client.countCache()).toBe(0)
    const progress: [number, number][] = []
    client.addEventListener('refresh-progress', (e: RefreshProgressEvent) =>
      progress.push([e.done, e.total]),
    )
    const result = await client.refresh()
    expect(result.usingDefault).toBe(true)
    expect(result.added).toBeGreaterThan(0)
    const count = await client.countCache()
    expect(count).toBe(result.added)
    expect(progress.at(-1)).toEqual([count, count])
    const entries = await client.listCache()
    // The default policy: recent records of recent objects, and My Tasks.
    expect(entries.some((e) => e.sobject === 'Task' && e.items.includes('myTasks'))).toBe(true)
    expect(entries.every((e) => e.syncStatus === 'synced' && e.sources.includes('default'))).toBe(
      true,
    )
    expect(client.status.lastRefresh).toBe(result.at)
    const dashboards = await client.dashboards()
    expect(dashboards.length).toBeGreaterThan(0)
    expect(dashboards.length).toBeLessThanOrEqual(5)
    expect(dashboards[0]?.item).toBe('recent:dashboards')
    expect(typeof dashboards[0]?.takenAt).toBe('string')
  })
})

describe('offline preferences', () => {
  it('replace the default cache when saved and restore it when cleared', async () => {
    const { client } = await h.device('phone-2', 'rep1@briefcase.test')
    await eventually(() => client.online, 'online')
    await client.refresh()
    const items = await client.offlineItems()
    const accounts = items.find((i) => i.id === 'object:Account')
    expect(accounts).toBeDefined()
    const result = await client.savePreferences(['object:Account'])
    expect(result.usingDefault).toBe(false)
    expect(await client.preferences()).toEqual(['object:Account'])
    const entries = await client.listCache()
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.every((e) => e.sources.includes('preference') && e.sobject === 'Account')).toBe(
      true,
    )
    const restored = await client.savePreferences([])
    expect(restored.usingDefault).toBe(true)
    expect((await client.listCache()).every((e) => e.sources.includes('default'))).toBe(true)
  })
})

describe('records and changes', () => {
  it('an online edit goes saved → received, with events', async () => {
    const { client } = await h.device('tablet-1', 'rep1@briefcase.test')
    const { handle, states } = await firstAccount(client)
    await handle.set('Phone', '+1 415 555 0199')
    expect(handle.pending()?.fields.map((f) => [f.field, f.new])).toEqual([
      ['Phone', '+1 415 555 0199'],
    ])
    await eventually(() => states.includes('received'), 'received by the relay')
    // The projector may write it at once: `received` is followed by `written`.
    expect(states.slice(0, 2)).toEqual(['saved', 'received'])
    await handle.close()
  })

  it("adopts the device id the relay issued when it proposed another user's, and its edits are accepted", async () => {
    const first = await h.device('shared-id', 'rep1@briefcase.test')
    expect(first.client.session?.device).toBe('shared-id')
    const { client } = await h.device('shared-id', 'rep2@briefcase.test')
    const issued = client.session?.device
    expect(issued).toMatch(/^r-[0-9a-f]{20}$/)
    const { handle, states } = await firstAccount(client)
    await handle.set('Phone', '+1 415 555 0142')
    expect(handle.pending()?.fields[0]?.author.device).toBe(issued)
    await eventually(() => states.includes('received'), 'received by the relay')
    await handle.close()
  })

  it('a record opened online joins the cache as a session record', async () => {
    const { client } = await h.device('laptop-1', 'rep1@briefcase.test')
    await eventually(() => client.online, 'online')
    const [match] = await client.lookup('Account', '')
    if (!match) throw new Error('no account to look up')
    expect(await client.recordName('Account', match.id)).toBe(match.name)
    const handle = await client.open(`Account/${match.id}`)
    expect(handle.name()).toBe(match.name)
    expect(await client.listCache()).toMatchObject([
      { doc: handle.doc, sources: ['session'], syncStatus: 'synced' },
    ])
    await handle.close()
  })

  it('two devices edit offline and converge through the relay', async () => {
    const a = await h.device('phone-a', 'rep1@briefcase.test')
    const b = await h.device('phone-b', 'rep1@briefcase.test')
    await eventually(() => a.client.online && b.client.online, 'both online')
    await a.client.refresh()
    await b.client.refresh()
    const doc = (await a.client.listCache({ sobject: 'Account' }))[1]?.doc
    if (!doc) throw new Error('no account cached')
    a.client.goOffline()
    b.client.goOffline()
    const ha = await a.client.open(doc)
    const hb = await b.client.open(doc)
    await ha.set('Phone', '+1 415 555 1004')
    await ha.insertText('Description', 0, 'A wrote this. ')
    await hb.set('Industry', 'Energy')
    await hb.insertText('Description', 0, 'B too. ')
    await a.client.goOnline()
    await b.client.goOnline()
    await eventually(
      () =>
        JSON.stringify(ha.values()) === JSON.stringify(hb.values()) &&
        hb.get('Phone') === '+1 415 555 1004',
      'convergence',
    )
    expect(ha.values()).toMatchObject({ Phone: '+1 415 555 1004', Industry: 'Energy' })
    expect(ha.get('Description')).toContain('A wrote this. ')
    expect(ha.get('Description')).toContain('B too. ')
    await ha.close()
    await hb.close()
  })

  it('live sync carries edits and awareness between open records at once', async () => {
    const a = await h.device('live-a', 'rep1@briefcase.test')
    const b = await h.device('live-b', 'rep1@briefcase.test')
    await eventually(() => a.client.online && b.client.online, 'both online')
    await a.client.refresh()
    const doc = (await a.client.listCache({ sobject: 'Account' }))[2]?.doc
    if (!doc) throw new Error('no account cached')
    const ha = await a.client.open(doc)
    const hb = await b.client.open(doc)
    await eventually(() => ha.live && hb.live, 'both live')
    expect(a.client.status.liveRecords).toBe(1)
    ha.awareness.setLocalStateField('cursor', { field: 'Description', index: 3 })
    await ha.set('Phone', '+1 415 555 1005')
    await eventually(() => hb.get('Phone') === '+1 415 555 1005', 'the edit on B', 2000)
    await eventually(
      () =>
        [...hb.awareness.getStates().values()].some((s) =>
          JSON.stringify(s).includes('Description'),
        ),
      'A cursor on B',
      2000,
    )
    const cursor = [...hb.awareness.getStates().values()].find((st) =>
      JSON.stringify(st).includes('Description'),
    )
    expect(cursor).toMatchObject({
      user: { id: a.client.session?.user.id, name: 'Maya Patel', device: 'live-a' },
      cursor: { field: 'Description', index: 3 },
    })
    await ha.close()
    await hb.close()
  })

  it('creates a record offline under a draft key that another record references', async () => {
    const a = await h.device('draft-a', 'rep1@briefcase.test')
    await eventually(() => a.client.online, 'online')
    await a.client.refresh()
    const actions = await a.client.quickActions()
    expect(actions.every((x) => x.name.endsWith('.create'))).toBe(true)
    await a.client.schema('Account')
    await a.client.schema('Contact')
    a.client.goOffline()
    const account = await a.client.create('Account', { Name: 'Offline Co' })
    const contact = await a.client.create('Contact', {
      LastName: 'Offline',
      AccountId: account.key,
    })
    expect(account.key).toMatch(/^bc-/)
    const mine = async () =>
      (await a.client.pendingChanges()).filter(
        (p) => p.doc === account.doc || p.doc === contact.doc,
      )
    expect((await mine()).map((p) => [p.doc, p.operation, p.state])).toEqual([
      [account.doc, 'create', 'saved'],
      [contact.doc, 'create', 'saved'],
    ])
    await a.client.goOnline()
    await eventually(async () => (await mine()).length === 0, 'both created in Salesforce', 15_000)
    const snapshot = h.org.snapshot()
    const created = snapshot.Account?.find((r) => r.Name === 'Offline Co')
    const person = snapshot.Contact?.find((r) => r.LastName === 'Offline')
    expect(created?.Id).toBe(account.document.salesforceId())
    expect(person?.AccountId).toBe(created?.Id)
    const b = await h.device('draft-b', 'rep1@briefcase.test')
    await eventually(() => b.client.online, 'online')
    const seen = await b.client.open(contact.doc)
    expect(seen.values()).toMatchObject({ LastName: 'Offline', AccountId: created?.Id })
    // Opened by its Salesforce Id (a lookup value), the Account is the same draft-key document.
    const byId = await b.client.open(`Account/${String(created?.Id)}`)
    expect(byId.doc).toBe(account.doc)
    expect(byId.get('Name')).toBe('Offline Co')
    await byId.close()
    await seen.close()
  })

  it('discard puts back the Salesforce value so every device converges on it', async () => {
    const a = await h.device('discard-a', 'rep1@briefcase.test')
    const b = await h.device('discard-b', 'rep1@briefcase.test')
    await eventually(() => a.client.online && b.client.online, 'both online')
    await a.client.refresh()
    const entry = (await a.client.listCache({ sobject: 'Account' }))[3]
    if (!entry) throw new Error('no account cached')
    const ha = await a.client.open(entry.doc)
    const original = ha.get('Phone')
    const hb = await b.client.open(entry.doc)
    await ha.set('Phone', '+1 415 555 1006')
    await eventually(() => hb.get('Phone') === '+1 415 555 1006', 'the edit on B')
    await a.client.discard(entry.doc)
    expect(ha.get('Phone')).toBe(original)
    await eventually(() => hb.get('Phone') === original, 'the discard on B')
    await ha.close()
    await hb.close()
  })

  it('logout flushes pending changes to the relay, then leaves no database of the user', async () => {
    const a = await h.device('logout-a', 'rep1@briefcase.test', { autoSync: false })
    await eventually(() => a.client.online, 'online')
    await a.client.refresh()
    const entry = (await a.client.listCache({ sobject: 'Account' }))[4]
    if (!entry) throw new Error('no account cached')
    const handle = await a.client.open(entry.doc)
    await handle.set('Phone', '+1 415 555 1007')
    await handle.close()
    const pending = await a.client.pendingChanges()
    expect(pending.find((p) => p.doc === entry.doc)?.state).toBe('saved')
    expect(await a.client.logout()).toEqual({ ok: true })
    const names = (await a.factory.databases()).map((d) => d.name)
    expect(names.filter((n) => n?.startsWith('briefcase:'))).toEqual([])
    const b = await h.device('logout-b', 'rep1@briefcase.test')
    await eventually(() => b.client.online, 'online')
    const again = await b.client.open(entry.doc)
    expect(again.get('Phone')).toBe('+1 415 555 1007')
    await again.close()
  })
})

describe('storage layout', () => {
  it('is the shared database by default', async () => {
    const { client, factory } = await h.device('new-phone', 'rep2@briefcase.test')
    await eventually(() => client.online, 'online')
    await client.refresh()
    const user = client.session?.user.id ?? ''
    const names = (await factory.databases()).map((d) => d.name ?? '')
    expect(names.sort()).toEqual(
      ['briefcase:sessions', `briefcase:${user}:docs`, `briefcase:${user}:index`].sort(),
    )
  })
})

describe('moving a device from database-per-record to the shared database', () => {
  it('keeps pending edits made in the old layout, and they sync after the move', async () => {
    const device = await h.device('old-phone', 'rep1@briefcase.test', {
      storageLayout: 'database-per-record',
    })
    const old = device.client
    await eventually(() => old.online, 'online')
    await old.refresh()
    const [first, second] = await old.listCache({ sobject: 'Account' })
    if (!first || !second) throw new Error('two accounts cached')
    old.goOffline()
    const edited = await old.open(first.doc)
    await edited.set('Phone', '+1 415 555 0181')
    await edited.insertText('Description', 0, 'Moved offline. ')
    const draft = await old.create('Account', { Name: 'Drafted before the move' })
    const oldNames = (await device.factory.databases()).map((d) => d.name ?? '')
    const user = old.session?.user.id ?? ''
    expect(oldNames).toContain(`briefcase:${user}:doc:${first.doc}`)
    expect(oldNames).not.toContain(`briefcase:${user}:docs`)
    const cached = await old.countCache()

    // The next start in the shared layout moves every record.
    const client = await device.reload({ storageLayout: 'shared-database' })
    const names = (await device.factory.databases()).map((d) => d.name ?? '')
    expect(names.filter((n) => n.startsWith(`briefcase:${user}:doc:`))).toEqual([])
    expect(names).toContain(`briefcase:${user}:docs`)
    expect(await client.countCache()).toBe(cached)
    client.goOffline()
    const moved = await client.open(first.doc, { live: false })
    expect(moved.get('Phone')).toBe('+1 415 555 0181')
    expect(String(moved.get('Description'))).toMatch(/^Moved offline\. /)
    expect((await client.open(draft.doc, { live: false })).get('Name')).toBe(
      'Drafted before the move',
    )
    const untouched = await client.open(second.doc, { live: false })
    expect(untouched.get('Name')).toBe(second.name)
    const pending = await client.pendingChanges()
    expect(pending.map((p) => [p.doc, p.operation])).toEqual([
      [first.doc, 'update'],
      [draft.doc, 'create'],
    ])

    await client.goOnline()
    const account = (): Record<string, unknown> | undefined =>
      h.org.snapshot().Account?.find((a) => a.Id === first.key)
    await eventually(() => account()?.Phone === '+1 415 555 0181', 'the edit in the org', 15_000)
    expect(String(account()?.Description)).toMatch(/^Moved offline\. /)
    await eventually(
      () => h.org.snapshot().Account?.some((a) => a.Name === 'Drafted before the move') ?? false,
      'the draft created in the org',
      15_000,
    )
  })
})
