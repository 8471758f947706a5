// The client's cache in Chromium, 2,000 cached records (see bench/README.md):
// - listing the cache from the index vs opening every record document (the baseline);
// - opening one record; refreshing with 200 records changed on the server;
// - IndexedDB bytes per record after 1 and after 100 opens (ours, and y-indexeddb's);
// - edit latency (an edit resolves once IndexedDB committed it), strict and relaxed.
// Run: npx vitest run --config bench/client-vitest.config.ts
import type { CachePlan, SessionInfo } from '@briefcase/protocol'
import { decodeBulkRequest, encodeBulkResponse } from '@briefcase/protocol'
import type { BulkResponseDoc } from '@briefcase/protocol'
import type { SalesforceId, YjsEngineDoc } from '@briefcase/record'
import {
  RecordDocument,
  createHybridClock,
  parseDeviceId,
  toSalesforceId,
  yjsEngine,
} from '@briefcase/record'
import { createBriefcaseClient } from '@briefcase/client'
import type { BriefcaseClient, BriefcaseClientOptions } from '@briefcase/client'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { CacheIndex } from '../packages/client/src/storage/cache-index.js'
import type { newIndexRecord } from '../packages/client/src/storage/index-record.js'
import type { DocStore } from '../packages/client/src/storage/doc-store.js'
import { openDocStore } from '../packages/client/src/storage/open-doc-store.js'
import { StorageGuard } from '../packages/client/src/storage/storage-guard.js'
import { accountSchema } from '../packages/client/src/testing/schemas.js'
import { seedSession, sessionInfo } from '../packages/client/src/testing/seed.js'
import { yIndexeddbGrowth } from '../packages/client/src/testing/y-indexeddb-baseline.js'
import { syncedEntry } from './synced-entry.js'

type Layout = 'database-per-record' | 'shared-database'
const LAYOUTS: Layout[] = ['database-per-record', 'shared-database']
const RECORDS = 2000
const CHANGED = 200
const guard = new StorageGuard(() => undefined)
const relayDevice = parseDeviceId('relay')
const relayClock = createHybridClock({ device: relayDevice })

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length * 0.95)] ?? NaN
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now()
  const result = await work()
  return [result, performance.now() - start]
}

function accountId(n: number): SalesforceId {
  return toSalesforceId(`0015g${String(n).padStart(10, '0')}`) as SalesforceId
}

function values(n: number): Record<string, unknown> {
  return {
    Name: `Account ${n}`,
    Phone: `+1 415 555 ${String(n % 10_000).padStart(4, '0')}`,
    Industry: n % 2 ? 'Energy' : 'Retail',
    Description: `Key account ${n}. Visit quarterly; the buyer prefers email.`,
  }
}

/** The relay's copy of a record, as a refresh left it on both sides. */
function relayDoc(n: number, user: string): RecordDocument {
  const doc = RecordDocument.open({
    engine: yjsEngine,
    name: `Account/${accountId(n)}`,
    schema: accountSchema.schema,
    actor: { user, device: relayDevice },
    clock: relayClock,
  })
  doc.applyServerRecord(values(n), {
    salesforceId: accountId(n),
    lastModifiedDate: '2026-01-01T00:00:00.000Z',
    systemModstamp: '2026-01-01T00:00:00.000Z',
    lastModifiedById: '0055g0000000009AAA',
  })
  return doc
}

/** The client's document store of a user, in a layout. */
function docStore(factory: IDBFactory, user: string, layout: Layout): DocStore {
  return openDocStore({ factory, user, layout, durability: 'relaxed', guard })
}

/** Writes records into a user's cache the way refreshes do (documents, then the index). */
async function seedCache(
  factory: IDBFactory,
  user: string,
  docs: RecordDocument[],
  layout: Layout,
): Promise<void> {
  const store = docStore(factory, user, layout)
  const index = await CacheIndex.open(factory, `briefcase:${user}:index`, guard, 'relaxed')
  await index.putSchemas([accountSchema])
  const now = Date.now()
  const records = new Map<string, ReturnType<typeof newIndexRecord>>()
  for (let i = 0; i < docs.length; i += 50) {
    await Promise.all(
      docs.slice(i, i + 50).map(async (doc, j) => {
        const ydoc = (doc.engineDoc as YjsEngineDoc).ydoc
        await store.append(doc.name, Y.encodeStateAsUpdate(ydoc))
        const record = syncedEntry(doc, user, now - (i + j) * 1000, {
          source: 'default',
          item: 'recent:Account',
        })
        records.set(doc.name, record)
      }),
    )
  }
  await index.update([...records.keys()], (_, doc) => records.get(doc) ?? null)
  index.close()
  store.close()
}

/** Answers the client as the relay would, from in-memory relay documents. */
function benchRelay(info: SessionInfo, docs: Map<string, RecordDocument>) {
  const stats = { relayMs: 0, bulkRequests: 0 }
  const plan = (): CachePlan => ({
    generatedAt: new Date().toISOString(),
    usingDefault: true,
    records: [...docs.values()].map((d) => ({
      doc: d.name,
      sobject: 'Account',
      id: d.key,
      name: String(d.get('Name')),
      source: 'default',
      item: 'recent:Account',
    })),
    dashboards: [],
  })
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const started = performance.now()
    try {
      const url = new URL(input instanceof Request ? input.url : input.toString())
      if (url.pathname === '/auth/session') return Response.json(info)
      if (url.pathname === '/api/cache-plan') return Response.json(plan())
      if (url.pathname === '/sync/bulk') {
        stats.bulkRequests += 1
        const body = new Uint8Array(await new Response(init?.body).arrayBuffer())
        const answers: BulkResponseDoc[] = decodeBulkRequest(body).map((req) => {
          const doc = docs.get(req.name)
          if (!doc) return { name: req.name, ok: false, code: 'BRIEFCASE_NOT_FOUND', message: '' }
          if (req.update.length > 0) doc.applyUpdate(req.update)
          const update =
            req.stateVector.length > 0 ? doc.encodeUpdate(req.stateVector) : doc.encodeState()
          return { name: req.name, ok: true, update, stateVector: doc.encodeStateVector() }
        })
        return new Response(encodeBulkResponse(answers) as Uint8Array<ArrayBuffer>)
      }
      return new Response('{}', { status: 404 })
    } finally {
      stats.relayMs += performance.now() - started
    }
  }
  return { fetch, stats }
}

/** Chromium's Storage Buckets: an IndexedDB of its own whose usage can be measured. */
function storageBuckets(): {
  open(name: string): Promise<{ indexedDB: IDBFactory; estimate(): Promise<StorageEstimate> }>
  delete(name: string): Promise<void>
} {
  return (navigator as unknown as { storageBuckets: ReturnType<typeof storageBuckets> })
    .storageBuckets
}

async function userSetup(count: number, layout: Layout, factory: IDBFactory = indexedDB) {
  const user = `005bench${Math.random().toString(36).slice(2, 12)}`.padEnd(18, 'A').slice(0, 18)
  const info = sessionInfo(user, 'bench-device')
  const token = `token-${user}`
  await seedSession(factory, info, token)
  const relayDocs = new Map<string, RecordDocument>()
  for (let n = 1; n <= count; n++) {
    const doc = relayDoc(n, user)
    relayDocs.set(doc.name, doc)
  }
  await seedCache(factory, user, [...relayDocs.values()], layout)
  const relay = benchRelay(info, relayDocs)
  const clients: BriefcaseClient[] = []
  const start = async (options: Partial<BriefcaseClientOptions> = {}): Promise<BriefcaseClient> => {
    const client = createBriefcaseClient({
      relayUrl: 'http://relay.bench/',
      session: token,
      indexedDB: factory,
      fetch: relay.fetch,
      autoSync: false,
      storageLayout: layout,
      environment: { BroadcastChannel: null },
      ...options,
    })
    clients.push(client)
    await client.ready
    return client
  }
  const cleanup = async (): Promise<void> => {
    for (const c of clients) await c.discardAndLogout()
  }
  return { user, relayDocs, relay, start, cleanup }
}

it.each(LAYOUTS)(
  `lists, opens and refreshes a cache of ${RECORDS} records (%s)`,
  async (layout) => {
    const bucketName = `bench-cache-${Math.random().toString(36).slice(2)}`
    const bucket = await storageBuckets().open(bucketName)
    const seedStart = performance.now()
    const setup = await userSetup(RECORDS, layout, bucket.indexedDB)
    const seedMs = performance.now() - seedStart
    const diskBytes = (await bucket.estimate()).usage ?? 0
    const client = await setup.start({ indexedDB: bucket.indexedDB })
    await new Promise((r) => setTimeout(r, 50))
    expect(client.online).toBe(true)

    // Listing from the index, 5 runs.
    const listRuns: number[] = []
    for (let i = 0; i < 5; i++) {
      const [entries, ms] = await time(() => client.listCache())
      expect(entries).toHaveLength(RECORDS)
      listRuns.push(ms)
    }
    const [count, countMs] = await time(() => client.countCache())
    expect(count).toBe(RECORDS)

    // Baseline: open every record document to list them (fresh connections, as at start).
    const baselineStore = docStore(bucket.indexedDB, setup.user, layout)
    const device = parseDeviceId('bench-device')
    const [baseline, baselineMs] = await time(async () => {
      const out: { doc: string; name: string; pending: number }[] = []
      for (const name of setup.relayDocs.keys()) {
        const { rows } = await baselineStore.load(name)
        const doc = RecordDocument.open({
          engine: yjsEngine,
          name,
          schema: accountSchema.schema,
          actor: { user: setup.user, device },
          clock: createHybridClock({ device }),
        })
        Y.applyUpdate((doc.engineDoc as YjsEngineDoc).ydoc, Y.mergeUpdates(rows))
        out.push({ doc: name, name: String(doc.get('Name')), pending: doc.pending() ? 1 : 0 })
        doc.destroy()
      }
      return out
    })
    baselineStore.close()
    expect(baseline).toHaveLength(RECORDS)

    // Opening one record (cached, offline-capable), 20 different records, first open each.
    const names = [...setup.relayDocs.keys()]
    const openRuns: number[] = []
    for (let i = 0; i < 20; i++) {
      const [handle, ms] = await time(() => client.open(names[i * 97] ?? '', { live: false }))
      openRuns.push(ms)
      await handle.close()
    }

    // A bulk sync when nothing changed (start, reconnect).
    const [unchanged, syncUnchangedMs] = await time(() => client.sync())
    expect(unchanged.changed).toBe(0)

    // Refresh with 200 records changed on the server.
    const changed = names.filter((_, i) => i % (RECORDS / CHANGED) === 0).slice(0, CHANGED)
    for (const name of changed) {
      const doc = setup.relayDocs.get(name)
      doc?.applyServerRecord(
        { Phone: '+1 000 000 0000' },
        {
          salesforceId: doc.key as SalesforceId,
          lastModifiedDate: '2026-02-01T00:00:00.000Z',
          systemModstamp: '2026-02-01T00:00:00.000Z',
          lastModifiedById: '0055g0000000009AAA',
        },
      )
    }
    setup.relay.stats.relayMs = 0
    setup.relay.stats.bulkRequests = 0
    const [refresh, refreshMs] = await time(() => client.refresh())
    expect(refresh.changed).toBe(CHANGED)
    expect(refresh.total).toBe(RECORDS)
    const check = await client.open(changed[0] ?? '', { live: false })
    expect(check.get('Phone')).toBe('+1 000 000 0000')
    await check.close()
    const relayShare = setup.relay.stats.relayMs

    // Edit latency: an edit resolves once IndexedDB committed it.
    const edits = async (c: BriefcaseClient): Promise<number[]> => {
      const handle = await c.open(names[1] ?? '', { live: false })
      const out: number[] = []
      for (let i = 0; i < 100; i++) {
        const [, ms] = await time(() => handle.set('Phone', `edit ${i}`))
        out.push(ms)
      }
      await handle.close()
      return out
    }
    const strict = await edits(client)
    await client.close()
    const relaxed = await edits(
      await setup.start({ indexedDB: bucket.indexedDB, durability: 'relaxed' }),
    )

    const results = {
      layout,
      records: RECORDS,
      seedMs: Math.round(seedMs),
      diskBytesPerRecord: Math.round(diskBytes / RECORDS),
      listMs: { median: median(listRuns), runs: listRuns.map(Math.round) },
      countMs,
      baselineOpenEveryDocMs: baselineMs,
      speedup: baselineMs / median(listRuns),
      openOneMs: { median: median(openRuns), p95: p95(openRuns) },
      syncUnchangedMs,
      refresh: {
        changed: refresh.changed,
        totalMs: refreshMs,
        benchRelayMs: relayShare,
        clientMs: refreshMs - relayShare,
        bulkRequests: setup.relay.stats.bulkRequests,
      },
      editMs: {
        strict: { median: median(strict), p95: p95(strict) },
        relaxed: { median: median(relaxed), p95: p95(relaxed) },
      },
    }
    console.log(`BENCH client-cache ${JSON.stringify(results)}`)
    await setup.cleanup()
    await storageBuckets().delete(bucketName)
    expect(median(listRuns)).toBeLessThan(300)
    expect(results.speedup).toBeGreaterThanOrEqual(5)
  },
)

it.each(LAYOUTS)(
  'stores a record in the same bytes after 1 open and after 100 opens (%s)',
  async (layout) => {
    const SAMPLE = 50
    const buckets = (
      navigator as unknown as {
        storageBuckets: {
          open(
            name: string,
          ): Promise<{ indexedDB: IDBFactory; estimate(): Promise<StorageEstimate> }>
          delete(name: string): Promise<void>
        }
      }
    ).storageBuckets
    const bucketName = `bench-bytes-${Math.random().toString(36).slice(2)}`
    const bucket = await buckets.open(bucketName)
    const setup = await userSetup(SAMPLE, layout, bucket.indexedDB)
    const client = await setup.start({ indexedDB: bucket.indexedDB })
    const store = docStore(bucket.indexedDB, setup.user, layout)
    const names = [...setup.relayDocs.keys()]
    const logical = async (): Promise<number> => {
      let total = 0
      for (const n of names) total += await store.bytes(n)
      return total / SAMPLE
    }
    const openAll = async (): Promise<void> => {
      for (const n of names) await (await client.open(n, { live: false })).close()
    }
    await openAll()
    const oneOpen = {
      logical: await logical(),
      usage: ((await bucket.estimate()).usage ?? 0) / SAMPLE,
    }
    for (let i = 0; i < 99; i++) await openAll()
    const hundredOpens = {
      logical: await logical(),
      usage: ((await bucket.estimate()).usage ?? 0) / SAMPLE,
    }
    store.close()

    // y-indexeddb as the record document's persistence: it writes the document's state as a row
    // every time it binds. Bound to an empty document (loaded from IndexedDB), and to one that
    // already holds the record (loaded from the network first).
    const source = setup.relayDocs.get(names[0] ?? '')
    const state = Y.encodeStateAsUpdate((source?.engineDoc as YjsEngineDoc).ydoc)
    const yEmpty = await yIndexeddbGrowth(state, false)
    const yPrefilled = await yIndexeddbGrowth(state, true)

    const results = {
      layout,
      sample: SAMPLE,
      client: { oneOpen, hundredOpens, ratio: hundredOpens.logical / oneOpen.logical },
      yIndexeddbEmptyBind: yEmpty,
      yIndexeddbPrefilledBind: yPrefilled,
    }
    console.log(`BENCH client-bytes ${JSON.stringify(results)}`)
    await setup.cleanup()
    await buckets.delete(bucketName)
    expect(results.client.ratio).toBeLessThanOrEqual(1.5)
    expect(hundredOpens.usage / oneOpen.usage).toBeLessThanOrEqual(1.5)
  },
)
