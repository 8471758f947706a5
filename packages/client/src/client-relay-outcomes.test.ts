import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
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

describe('written to Salesforce', () => {
  it('an edit goes saved → received → written, and Salesforce has it', async () => {
    const { client } = await h.device('writer', 'rep1@briefcase.test')
    await eventually(() => client.online, 'online')
    await client.refresh()
    const entry = (await client.listCache({ sobject: 'Account' }))[7]
    if (!entry) throw new Error('no account cached')
    const states: (string | null)[] = []
    client.addEventListener('pending-change', (e) => {
      if (e.doc === entry.doc) states.push(e.state)
    })
    const handle = await client.open(entry.doc, { live: false })
    await handle.set('Phone', '+1 415 555 0142')
    await eventually(() => states.includes('written'), 'written to Salesforce', 15_000)
    expect(states).toEqual(['saved', 'received', 'written'])
    expect((await client.pendingChanges()).find((p) => p.doc === entry.doc)).toBeUndefined()
    const account = h.org.snapshot().Account?.find((a) => a.Id === entry.key)
    expect(account?.Phone).toBe('+1 415 555 0142')
    await handle.close()
  })

  it('a refused write is failed with the code and fields, and a fix is written', async () => {
    const { client } = await h.device('refused', 'rep1@briefcase.test')
    await eventually(() => client.online, 'online')
    await client.refresh()
    const entry = (await client.listCache({ sobject: 'Account' }))[8]
    if (!entry) throw new Error('no account cached')
    const handle = await client.open(entry.doc, { live: false })
    await handle.set('Phone', '12')
    const view = async () => (await client.pendingChanges()).find((p) => p.doc === entry.doc)
    await eventually(async () => (await view())?.state === 'failed', 'the refusal', 15_000)
    expect((await view())?.error).toMatchObject({
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      fields: ['Phone'],
    })
    await handle.set('Phone', '+1 415 555 0143')
    await client.retry(entry.doc)
    await eventually(async () => (await view()) === undefined, 'the fix written', 15_000)
    expect(h.org.snapshot().Account?.find((a) => a.Id === entry.key)?.Phone).toBe('+1 415 555 0143')
    await handle.close()
  })
})

describe('notices', () => {
  it('tell a user their edit was superseded by a later edit of someone else, until dismissed', async () => {
    // Two users of one profile on one record: the same document, the same field.
    const rep = await h.device('notice-rep', 'rep1@briefcase.test')
    const manager = await h.device('notice-mgr', 'rep2@briefcase.test')
    await eventually(() => rep.client.online && manager.client.online, 'both online')
    await rep.client.refresh()
    const doc = (await rep.client.listCache({ sobject: 'Account' }))[5]?.doc
    if (!doc) throw new Error('no account cached')
    const mine = await rep.client.open(doc)
    const theirs = await manager.client.open(doc)
    const notices: string[] = []
    rep.client.addEventListener('notice', (e) =>
      notices.push(`${e.kind} by ${e.change.superseded[0]?.by.author.user ?? '?'}`),
    )
    rep.client.goOffline()
    manager.client.goOffline()
    await mine.set('Phone', '+1 415 555 1001')
    await new Promise((r) => setTimeout(r, 5))
    await theirs.set('Phone', '+1 415 555 1002')
    // The later edit reaches the relay first: were the rep's earlier edit first, the relay could
    // write it to Salesforce before the later one arrived (it is then written, not superseded).
    await manager.client.goOnline()
    await eventually(
      async () =>
        (await manager.client.pendingChanges()).every((p) => p.doc !== doc || p.state !== 'saved'),
      'the relay to hold the later edit',
    )
    await rep.client.goOnline()
    await eventually(
      () => mine.get('Phone') === '+1 415 555 1002',
      'the later edit to win on the rep device',
    )
    await eventually(() => notices.length > 0, 'a notice')
    expect(notices[0]).toBe(`superseded by ${manager.client.session?.user.id ?? ''}`)
    const view = (await rep.client.pendingChanges()).find((p) => p.doc === doc)
    expect(view).toMatchObject({
      state: 'superseded',
      superseded: [{ field: 'Phone', value: '+1 415 555 1001', by: { value: '+1 415 555 1002' } }],
    })
    await rep.client.dismissNotices(doc)
    expect((await rep.client.pendingChanges()).find((p) => p.doc === doc)?.state).not.toBe(
      'superseded',
    )
    await mine.close()
    await theirs.close()
  })

  it('tell a user the record they edited was deleted by someone else', async () => {
    const rep = await h.device('delete-rep', 'rep1@briefcase.test')
    const manager = await h.device('delete-mgr', 'rep2@briefcase.test')
    await eventually(() => rep.client.online && manager.client.online, 'both online')
    await rep.client.refresh()
    // A record the other rep owns (owners may delete).
    const owner = manager.client.session?.user.id
    let doc = ''
    for (const entry of await rep.client.listCache({ sobject: 'Account' })) {
      const probe = await rep.client.open(entry.doc, { live: false })
      const owned = probe.get('OwnerId') === owner && !probe.isDeleted()
      await probe.close()
      if (owned) {
        doc = entry.doc
        break
      }
    }
    if (!doc) throw new Error('no account of the other rep cached')
    const mine = await rep.client.open(doc)
    const theirs = await manager.client.open(doc)
    rep.client.goOffline()
    await mine.set('Phone', '+1 415 555 1003')
    await theirs.delete()
    const kinds: string[] = []
    rep.client.addEventListener('notice', (e) => kinds.push(e.kind))
    await rep.client.goOnline()
    await eventually(() => mine.isDeleted(), 'the delete to reach the rep')
    await eventually(() => kinds.includes('deleted'), 'a deleted notice')
    const view = (await rep.client.pendingChanges()).find((p) => p.doc === doc)
    expect(view).toMatchObject({
      state: 'deleted',
      beaten: [{ field: 'Phone', value: '+1 415 555 1003' }],
    })
    expect(view?.deleted?.author.user).toBe(manager.client.session?.user.id)
    await mine.close()
    await theirs.close()
  })
})

describe('connectivity', () => {
  it('refreshes on going to the background when the last refresh is over an hour old', async () => {
    const visible: { visibilityState: DocumentVisibilityState } = { visibilityState: 'visible' }
    const page = Object.assign(new EventTarget(), visible)
    const time = { now: Date.now() }
    const { client } = await h.device('background', 'rep1@briefcase.test', {
      environment: { BroadcastChannel: null, locks: null, events: null, document: page },
      now: () => time.now,
    })
    await eventually(() => client.online, 'online')
    const hide = (): void => {
      page.visibilityState = 'hidden'
      page.dispatchEvent(new Event('visibilitychange'))
      page.visibilityState = 'visible'
    }
    hide()
    await eventually(() => client.status.lastRefresh !== null, 'the first background refresh')
    const first = client.status.lastRefresh
    time.now += 30 * 60_000
    hide()
    await new Promise((r) => setTimeout(r, 200))
    expect(client.status.lastRefresh).toBe(first)
    time.now += 31 * 60_000
    hide()
    await eventually(() => client.status.lastRefresh !== first, 'a refresh after an hour')
  })

  it('is offline while the browser says so, and reconnects when it comes back', async () => {
    const window = new EventTarget()
    const browser = { onLine: true }
    const { client } = await h.device('flaky', 'rep1@briefcase.test', {
      environment: {
        BroadcastChannel: null,
        locks: null,
        events: window,
        document: null,
        onLine: () => browser.onLine,
      },
    })
    await eventually(() => client.online, 'online')
    browser.onLine = false
    window.dispatchEvent(new Event('offline'))
    expect(client.online).toBe(false)
    const error = await client.refresh().catch((e: unknown) => e)
    expect((error as { code?: string }).code).toBe('BRIEFCASE_OFFLINE')
    browser.onLine = true
    window.dispatchEvent(new Event('online'))
    await eventually(() => client.online, 'back online')
  })

  it('keeps at most liveSyncLimit records live, the most recently opened', async () => {
    const { client } = await h.device('bounded', 'rep1@briefcase.test', { liveSyncLimit: 2 })
    await eventually(() => client.online, 'online')
    await client.refresh()
    const docs = (await client.listCache({ sobject: 'Account' })).slice(0, 3).map((e) => e.doc)
    const handles: RecordHandle[] = []
    for (const doc of docs) handles.push(await client.open(doc))
    await eventually(() => client.status.liveRecords === 2, 'two live records')
    expect(handles.map((h) => h.live)).toEqual([false, true, true])
    await handles[2]?.close()
    await eventually(() => handles[0]?.live === true, 'the first record to get the freed slot')
    for (const handle of handles) await handle.close()
  })
})

describe('presence', () => {
  it('going to the background marks the open records’ presence hidden (the relay then writes their edits at once), and back', async () => {
    const visible: { visibilityState: DocumentVisibilityState } = { visibilityState: 'visible' }
    const page = Object.assign(new EventTarget(), visible)
    const a = await h.device('hiding', 'rep1@briefcase.test', {
      environment: { BroadcastChannel: null, locks: null, events: null, document: page },
    })
    const b = await h.device('watching', 'rep1@briefcase.test')
    await eventually(() => a.client.online && b.client.online, 'both online')
    await a.client.refresh()
    const doc = (await a.client.listCache({ sobject: 'Account' }))[4]?.doc
    if (!doc) throw new Error('no account cached')
    const ha = await a.client.open(doc)
    const hb = await b.client.open(doc)
    await eventually(() => ha.live && hb.live, 'both live')
    const hiddenOnB = (): unknown[] =>
      [...hb.awareness.getStates().values()]
        .filter((s) => JSON.stringify(s).includes('hiding'))
        .map((s) => (s as { hidden?: unknown }).hidden)
    await eventually(() => hiddenOnB().length === 1, 'A present on B', 2000)
    page.visibilityState = 'hidden'
    page.dispatchEvent(new Event('visibilitychange'))
    await eventually(() => hiddenOnB()[0] === true, 'A hidden on B', 2000)
    page.visibilityState = 'visible'
    page.dispatchEvent(new Event('visibilitychange'))
    await eventually(() => hiddenOnB()[0] === false, 'A back on B', 2000)
    await ha.close()
    await hb.close()
  })
})
