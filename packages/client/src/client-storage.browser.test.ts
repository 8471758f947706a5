import type { SalesforceId, YjsEngineDoc } from '@briefcase/record'
import {
  RecordDocument,
  createHybridClock,
  parseDeviceId,
  toSalesforceId,
  yjsEngine,
} from '@briefcase/record'
import { afterEach, describe, expect, it } from 'vitest'
import { IndexeddbPersistence } from 'y-indexeddb'
import type { BriefcaseClient } from './briefcase-client.js'
import { createBriefcaseClient } from './create-client.js'
import { isBriefcaseClientError } from './errors.js'
import type { StorageErrorEvent } from './events.js'
import type { BriefcaseClientOptions } from './options.js'
import { BulkLock } from './tabs/bulk-lock.js'
import { accountSchema, contactSchema } from './testing/schemas.js'
import {
  seedRecord,
  seedSchemas,
  seedSession,
  sessionInfo,
  unreachableFetch,
} from './testing/seed.js'

const ID = toSalesforceId('001000000000001') as SalesforceId
let clients: BriefcaseClient[] = []
afterEach(async () => {
  for (const c of clients) await c.discardAndLogout().catch(() => undefined)
  await Promise.all(clients.map((c) => c.close()))
  clients = []
})

/** A user of this browser with a remembered session, cached schemas and one cached Account. */
interface StorageBucket {
  readonly name: string
  readonly indexedDB: IDBFactory
}
interface StorageBucketManager {
  open(name: string, options?: { quota?: number }): Promise<StorageBucket>
  delete(name: string): Promise<void>
}

async function browserUser(
  factory: IDBFactory = indexedDB,
  layout: 'database-per-record' | 'shared-database' = 'shared-database',
) {
  const user = `005${Math.random().toString(36).slice(2, 14)}`.padEnd(18, 'A').slice(0, 18)
  const token = `token-${user}`
  await seedSession(factory, sessionInfo(user, 'browser-device'), token)
  await seedSchemas(factory, [accountSchema, contactSchema], user)
  const doc = await seedRecord(factory, {
    schema: accountSchema,
    id: ID,
    values: { Name: 'Acme', Phone: '1', Description: 'Hello.' },
    lastAccess: Date.now(),
    user,
    layout,
  })
  const start = (options: Partial<BriefcaseClientOptions> = {}): BriefcaseClient => {
    const client = createBriefcaseClient({
      relayUrl: 'http://relay.invalid/',
      session: token,
      fetch: unreachableFetch,
      storageLayout: layout,
      ...options,
    })
    clients.push(client)
    return client
  }
  return { user, doc, start }
}

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 5000
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`Timed out waiting for ${what}`)
}

describe('storage in Chromium', () => {
  it('keeps every edit when the page is reloaded while offline', async () => {
    const u = await browserUser()
    const first = u.start()
    const handle = await first.open(u.doc)
    await handle.set('Phone', '2')
    await handle.insertText('Description', 6, ' World.')
    const draft = await first.create('Account', { Name: 'Made offline' })
    await first.close()

    const second = u.start()
    const again = await second.open(u.doc)
    expect(again.values()).toMatchObject({ Phone: '2', Description: 'Hello. World.' })
    expect((await second.open(draft.doc)).get('Name')).toBe('Made offline')
    expect((await second.pendingChanges()).map((p) => p.operation)).toEqual(['update', 'create'])
    const names = (await indexedDB.databases()).map((d) => d.name)
    expect(names).toContain(`briefcase:${u.user}:index`)
    expect(names).toContain(`briefcase:${u.user}:docs`)
  })

  it('stores record documents that y-indexeddb opens (database-per-record layout)', async () => {
    const u = await browserUser(indexedDB, 'database-per-record')
    const client = u.start()
    const handle = await client.open(u.doc)
    await handle.set('Phone', 'stored')
    await handle.close()
    await client.close()
    const device = parseDeviceId('reader')
    const reader = RecordDocument.open({
      engine: yjsEngine,
      name: u.doc,
      schema: accountSchema.schema,
      actor: { user: u.user, device },
      clock: createHybridClock({ device }),
    })
    const persistence = new IndexeddbPersistence(
      `briefcase:${u.user}:doc:${u.doc}`,
      (reader.engineDoc as YjsEngineDoc).ydoc,
    )
    await persistence.whenSynced
    expect(reader.values()).toMatchObject({ Name: 'Acme', Phone: 'stored' })
    await persistence.destroy()
  })

  it('shares one cache between two tabs: edits reach the other tab at once', async () => {
    const u = await browserUser()
    const tabA = u.start()
    const tabB = u.start()
    const a = await tabA.open(u.doc)
    const b = await tabB.open(u.doc)
    const seenByB: string[] = []
    b.addEventListener('record-change', (e) => seenByB.push(e.origin))
    await a.set('Phone', 'from tab A')
    await eventually(() => b.get('Phone') === 'from tab A', 'tab B to see the edit')
    expect(seenByB).toContain('tab')
    await b.set('Industry', 'Retail')
    await eventually(() => a.get('Industry') === 'Retail', 'tab A to see the edit')
    expect((await tabA.pendingChanges())[0]?.fields.map((f) => f.field)).toEqual([
      'Industry',
      'Phone',
    ])
    await tabA.close()
    await tabB.close()
    const reloaded = await u.start().open(u.doc)
    expect(reloaded.values()).toMatchObject({ Phone: 'from tab A', Industry: 'Retail' })
  })

  it('lets one tab sync in bulk at a time (Web Locks)', async () => {
    const name = `briefcase:lock-test-${Math.random()}`
    const tabs = [new BulkLock(navigator.locks, name), new BulkLock(navigator.locks, name)]
    let running = 0
    let most = 0
    const work = async (): Promise<void> => {
      running += 1
      most = Math.max(most, running)
      await new Promise((r) => setTimeout(r, 20))
      running -= 1
    }
    await Promise.all([
      tabs[0]?.run(work),
      tabs[1]?.run(work),
      tabs[0]?.run(work),
      tabs[1]?.run(work),
    ])
    expect(most).toBe(1)
  })

  it('surfaces a full disk as a rejected edit and a storage-error event', async () => {
    // A storage bucket with a small quota gives a real IndexedDB that fills up.
    const buckets = (navigator as unknown as { storageBuckets: StorageBucketManager })
      .storageBuckets
    const bucket = await buckets.open(`briefcase-quota-${Math.random().toString(36).slice(2)}`, {
      quota: 300_000,
    })
    const u = await browserUser(bucket.indexedDB)
    const client = u.start({ indexedDB: bucket.indexedDB })
    const handle = await client.open(u.doc)
    const events: StorageErrorEvent[] = []
    client.addEventListener('storage-error', (e: StorageErrorEvent) => events.push(e))
    // Random letters: IndexedDB compresses what it stores, and a repeated character would fit.
    const text = (): string =>
      Array.from({ length: 30_000 }, () =>
        String.fromCharCode(97 + Math.floor(Math.random() * 26)),
      ).join('')
    let error: unknown = null
    for (let i = 0; i < 50 && error === null; i++) {
      error = await handle.set('Description', text()).then(
        () => null,
        (e: unknown) => e,
      )
    }
    expect(isBriefcaseClientError(error, 'BRIEFCASE_STORAGE_QUOTA')).toBe(true)
    // The record's own database or the cache index: whichever write hit the quota first.
    expect(events[0]).toMatchObject({ code: 'BRIEFCASE_STORAGE_QUOTA' })
    expect(['append', 'index']).toContain(events[0]?.operation)
    await client.discardAndLogout()
    await buckets.delete(bucket.name)
  })
})
