import type { SalesforceId } from '@briefcase/record'
import { toSalesforceId } from '@briefcase/record'
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb'
import { afterEach, describe, expect, it } from 'vitest'
import type { BriefcaseClient } from './briefcase-client.js'
import { createBriefcaseClient } from './create-client.js'
import { isBriefcaseClientError } from './errors.js'
import type { PendingChangeEvent, StorageErrorEvent } from './events.js'
import type { BriefcaseClientOptions } from './options.js'
import { openDocStore } from './storage/open-doc-store.js'
import { StorageGuard } from './storage/storage-guard.js'
import { accountSchema, contactSchema } from './testing/schemas.js'
import {
  TEST_USER,
  seedRecord,
  seedSchemas,
  seedSession,
  unreachableFetch,
} from './testing/seed.js'

const DAY = 86_400_000
const T0 = 1_900_000_000_000
const id = (n: number): SalesforceId =>
  toSalesforceId(`001000000000${String(n).padStart(3, '0')}`) as SalesforceId

let clients: BriefcaseClient[] = []
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()))
  clients = []
})

/** A device whose relay cannot be reached; its clock is `time.now`. */
async function offlineDevice(
  options: Partial<BriefcaseClientOptions> = {},
  layout: 'database-per-record' | 'shared-database' = 'database-per-record',
) {
  const factory = new IDBFactory()
  await seedSession(factory)
  await seedSchemas(factory, [accountSchema, contactSchema])
  const time = { now: T0 }
  const requests: string[] = []
  const start = (more: Partial<BriefcaseClientOptions> = {}): BriefcaseClient => {
    const client = createBriefcaseClient({
      relayUrl: 'http://relay.invalid/',
      indexedDB: factory,
      fetch: (input, init) => {
        requests.push(
          `${init?.method ?? 'GET'} ${input instanceof Request ? input.url : input.toString()}`,
        )
        return unreachableFetch(input, init)
      },
      now: () => time.now,
      environment: { BroadcastChannel: null, locks: null, events: null, document: null },
      storageLayout: layout,
      ...options,
      ...more,
    })
    clients.push(client)
    return client
  }
  /** An Account cached on the device (accessed at T0), as a refresh writes it. */
  const seedAccount = (n: number, values: Record<string, unknown>): Promise<string> =>
    seedRecord(factory, { layout, schema: accountSchema, id: id(n), values, lastAccess: T0 })
  return { factory, time, requests, start, seedAccount }
}

/** Rows a record has in the device's storage. */
async function storedRows(
  factory: IDBFactory,
  layout: 'database-per-record' | 'shared-database',
  doc: string,
): Promise<number> {
  const guard = new StorageGuard(() => undefined)
  const store = openDocStore({
    factory,
    user: TEST_USER,
    layout,
    durability: 'relaxed',
    guard,
  })
  const { rows } = await store.load(doc)
  store.close()
  return rows.length
}

async function userDatabases(factory: IDBFactory): Promise<string[]> {
  return (await factory.databases()).flatMap((d) => (d.name?.includes(TEST_USER) ? [d.name] : []))
}

describe.each(['database-per-record', 'shared-database'] as const)(
  'the client offline (%s)',
  (layout) => {
    it('restores the remembered session and reads the cache from the index', async () => {
      const device = await offlineDevice({}, layout)
      await device.seedAccount(1, { Name: 'Acme' })
      const client = device.start()
      await client.ready
      expect(client.session?.user.id).toBe(TEST_USER)
      expect(client.online).toBe(false)
      expect(await client.countCache()).toBe(1)
      expect(await client.listCache()).toMatchObject([
        {
          doc: `Account/${id(1)}`,
          name: 'Acme',
          source: 'default',
          pendingCount: 0,
          syncStatus: 'synced',
        },
      ])
    })

    it('refuses an 8th offline preference before any network call', async () => {
      const device = await offlineDevice({}, layout)
      const client = device.start()
      await client.ready
      const before = device.requests.length
      const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
      const error = await client.savePreferences(items).catch((e: unknown) => e)
      expect(isBriefcaseClientError(error, 'BRIEFCASE_TOO_MANY_PREFERENCES')).toBe(true)
      expect((error as Error).message).toMatchInlineSnapshot(
        `"At most 7 offline items can be chosen (got 8)."`,
      )
      expect(device.requests.length).toBe(before)
    })

    it('keeps every edit across a reload while offline', async () => {
      const device = await offlineDevice({}, layout)
      const doc = await device.seedAccount(1, {
        Name: 'Acme',
        Phone: '1',
        Description: 'Old text.',
      })
      const first = device.start()
      const handle = await first.open(doc)
      await handle.set('Phone', '2')
      await handle.insertText('Description', 0, 'New. ')
      const draft = await first.create('Account', { Name: 'Draft Co' })
      await draft.set('Phone', '3')
      await first.close()

      const second = device.start()
      const again = await second.open(doc)
      expect(again.values()).toMatchObject({
        Name: 'Acme',
        Phone: '2',
        Description: 'New. Old text.',
      })
      const draftAgain = await second.open(draft.doc)
      expect(draftAgain.values()).toMatchObject({ Name: 'Draft Co', Phone: '3' })
      const pending = await second.pendingChanges()
      expect(pending.map((p) => [p.doc, p.operation, p.state])).toEqual([
        [doc, 'update', 'saved'],
        [draft.doc, 'create', 'saved'],
      ])
      expect(pending[0]?.fields.map((f) => [f.field, f.old, f.new])).toEqual([
        ['Description', 'Old text.', 'New. Old text.'],
        ['Phone', '1', '2'],
      ])
    })

    it('asks before the page unloads while an edit is still being stored', async () => {
      const device = await offlineDevice({}, layout)
      const doc = await device.seedAccount(1, { Name: 'Acme' })
      const page = new EventTarget()
      const client = device.start({
        environment: { BroadcastChannel: null, locks: null, events: page, document: null },
      })
      const handle = await client.open(doc)
      const unload = (): boolean => {
        const event = new Event('beforeunload', { cancelable: true })
        page.dispatchEvent(event)
        return event.defaultPrevented
      }
      expect(unload()).toBe(false)
      const stored = handle.set('Phone', '2')
      expect(unload()).toBe(true)
      await stored
      expect(unload()).toBe(false)
    })

    it('opens an uncached record offline with BRIEFCASE_NOT_CACHED', async () => {
      const client = (await offlineDevice({}, layout)).start()
      const error = await client.open(`Account/${id(9)}`).catch((e: unknown) => e)
      expect(isBriefcaseClientError(error, 'BRIEFCASE_NOT_CACHED')).toBe(true)
    })

    it('lets a lookup point at a draft, offline', async () => {
      const client = (await offlineDevice({}, layout)).start()
      const account = await client.create('Account', { Name: 'Brand New' })
      const matches = await client.lookup('Account', 'brand')
      expect(matches).toEqual([{ id: account.key, name: 'Brand New' }])
      const contact = await client.create('Contact', { LastName: 'Doe', AccountId: matches[0]?.id })
      expect(contact.get('AccountId')).toBe(account.key)
      expect(contact.pending()?.dependsOn).toEqual([account.key])
      // The lookup shows the draft's name; an Id nobody here knows has none while offline.
      expect(await client.recordName('Account', account.key)).toBe('Brand New')
      expect(await client.recordName('Account', id(9))).toBeNull()
    })

    it('orders pending changes by first change and reports each status change', async () => {
      const device = await offlineDevice({}, layout)
      const a = await device.seedAccount(1, { Name: 'A' })
      const b = await device.seedAccount(2, { Name: 'B' })
      const client = device.start()
      const events: [string | null, string | null, string | null][] = []
      client.addEventListener('pending-change', (e: PendingChangeEvent) =>
        events.push([e.doc, e.state, e.previous]),
      )
      const ha = await client.open(a)
      const hb = await client.open(b)
      await ha.set('Phone', '1')
      device.time.now += 1000
      await hb.set('Phone', '2')
      device.time.now += 1000
      await ha.set('Phone', '3')
      expect((await client.pendingChanges()).map((p) => p.doc)).toEqual([a, b])
      expect(events).toEqual([
        [a, 'saved', null],
        [b, 'saved', null],
      ])
    })

    it('discards a change by putting back Salesforce value as a new edit', async () => {
      const device = await offlineDevice({}, layout)
      const doc = await device.seedAccount(1, { Name: 'Acme', Phone: '1' })
      const client = device.start()
      const handle = await client.open(doc)
      await handle.setMany({ Phone: '2', Industry: 'Energy' })
      const states: (string | null)[] = []
      client.addEventListener('pending-change', (e: PendingChangeEvent) => states.push(e.state))
      await client.discard(doc, ['Phone'])
      expect(handle.get('Phone')).toBe('1')
      expect(handle.pending()?.fields.map((f) => f.field)).toEqual(['Industry'])
      await client.discard(doc)
      expect(handle.values()).toMatchObject({ Phone: '1', Industry: null })
      expect(await client.pendingChanges()).toEqual([])
      expect(states).toEqual([null])
      await handle.delete()
      const error = await client.discard(doc).catch((e: unknown) => e)
      expect(isBriefcaseClientError(error, 'BRIEFCASE_INVALID_OPERATION')).toBe(true)
    })

    it('removes records 30 days after last access on start, never one with a pending change', async () => {
      const device = await offlineDevice({}, layout)
      const stale = await device.seedAccount(1, { Name: 'Stale' })
      const edited = await device.seedAccount(2, { Name: 'Edited' })
      const first = device.start()
      const handle = await first.open(edited)
      await handle.set('Phone', '5')
      await first.close()
      device.time.now = T0 + 29 * DAY
      const fresh = await seedRecord(device.factory, {
        layout,
        schema: accountSchema,
        id: id(3),
        values: { Name: 'Fresh' },
        lastAccess: device.time.now,
      })

      device.time.now = T0 + 31 * DAY
      const second = device.start()
      await second.ready
      expect((await second.listCache()).map((e) => e.doc).sort()).toEqual([edited, fresh].sort())
      const databases = await userDatabases(device.factory)
      expect(await storedRows(device.factory, layout, stale)).toBe(0)
      expect(await storedRows(device.factory, layout, edited)).toBeGreaterThan(0)
      if (layout === 'database-per-record') {
        expect(databases).not.toContain(`briefcase:${TEST_USER}:doc:${stale}`)
        expect(databases).toContain(`briefcase:${TEST_USER}:doc:${edited}`)
      }
    })

    it('opening a record restarts its 30 days and makes it a session record', async () => {
      const device = await offlineDevice({}, layout)
      const doc = await device.seedAccount(1, { Name: 'Acme' })
      const client = device.start()
      device.time.now = T0 + 20 * DAY
      await (await client.open(doc)).close()
      expect(await client.listCache()).toMatchObject([
        {
          lastAccess: T0 + 20 * DAY,
          lastOpened: T0 + 20 * DAY,
          expiresAt: T0 + 50 * DAY,
          sources: ['default', 'session'],
        },
      ])
    })

    it('logout with unsynced edits returns them and keeps the data; discard wipes every database of the user', async () => {
      const device = await offlineDevice({}, layout)
      const doc = await device.seedAccount(1, { Name: 'Acme' })
      const client = device.start()
      const handle = await client.open(doc)
      await handle.set('Phone', '42')
      await handle.close()
      const before = await userDatabases(device.factory)
      const result = await client.logout()
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(result.code).toBe('BRIEFCASE_OFFLINE')
      expect(result.unsynced.map((u) => [u.doc, u.state, u.fields.map((f) => f.new)])).toEqual([
        [doc, 'saved', ['42']],
      ])
      expect(await userDatabases(device.factory)).toEqual(before)
      expect(client.session?.user.id).toBe(TEST_USER)

      await client.discardAndLogout()
      expect(client.session).toBeNull()
      expect(await userDatabases(device.factory)).toEqual([])
      expect((await device.factory.databases()).map((d) => d.name)).not.toContain(
        'briefcase:sessions',
      )
    })

    it('surfaces a storage failure as a rejected edit and a storage-error event', async () => {
      const device = await offlineDevice({}, layout)
      const doc = await device.seedAccount(1, { Name: 'Acme' })
      const client = device.start()
      const handle = await client.open(doc)
      const events: StorageErrorEvent[] = []
      client.addEventListener('storage-error', (e: StorageErrorEvent) => events.push(e))
      const add = Object.getOwnPropertyDescriptor(IDBObjectStore.prototype, 'add')
        ?.value as IDBObjectStore['add']
      IDBObjectStore.prototype.add = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      }
      try {
        const error = await handle.set('Phone', '7').catch((e: unknown) => e)
        expect(isBriefcaseClientError(error, 'BRIEFCASE_STORAGE_QUOTA')).toBe(true)
      } finally {
        IDBObjectStore.prototype.add = add
      }
      expect(events.map((e) => [e.code, e.operation, e.database])).toEqual([
        [
          'BRIEFCASE_STORAGE_QUOTA',
          'append',
          layout === 'shared-database'
            ? `briefcase:${TEST_USER}:docs`
            : `briefcase:${TEST_USER}:doc:${doc}`,
        ],
      ])
      await handle.set('Phone', '8')
      await client.close()
      const again = await device.start().open(doc)
      expect(again.get('Phone')).toBe('8')
    })

    it('goOffline and goOnline switch the status', async () => {
      const client = (await offlineDevice({}, layout)).start()
      await client.ready
      client.goOffline()
      expect(client.status).toMatchObject({ forcedOffline: true, online: false, signedIn: true })
      await client.goOnline()
      expect(client.status).toMatchObject({ forcedOffline: false, online: false, reachable: false })
    })
  },
)
