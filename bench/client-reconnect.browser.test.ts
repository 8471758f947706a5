// Reconnect of the client's cache in Chromium's IndexedDB (see bench/README.md): a device holding
// N cached Accounts (2,000 and 10,000) edits 10 % of them offline while 5 % others change on the
// relay, then comes back and syncs (`client.sync()`, what it runs on reconnect). The relay is
// answered in the page from in-memory documents (its cost is counted apart), as the streamed bulk
// route does: `RELAY_ANSWERS = 'agreed'` answers a document whose state vector is the relay's and
// that carries no update with nothing (the relay since 327f811); `'full'` answers it with
// `encodeUpdate` of the device's vector, as the relay did before.
// Run: npx vitest run --config bench/client-vitest.config.ts bench/client-reconnect.browser.test.ts
import type { BulkResponseDoc, SessionInfo } from '@briefcase/protocol'
import {
  decodeBulkRequest,
  encodeAnswerFrame,
  encodeBulkResponse,
  encodeStreamEnd,
  encodeStreamHeader,
  readRequestStream,
} from '@briefcase/protocol'
import type { BulkRequestDoc } from '@briefcase/protocol'
import type { SalesforceId, YjsEngineDoc } from '@briefcase/record'
import {
  RecordDocument,
  createHybridClock,
  parseDeviceId,
  toSalesforceId,
  yjsEngine,
} from '@briefcase/record'
import { createBriefcaseClient } from '@briefcase/client'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { CacheIndex } from '../packages/client/src/storage/cache-index.js'
import type { IndexRecord } from '../packages/client/src/storage/index-record.js'
import { openDocStore } from '../packages/client/src/storage/open-doc-store.js'
import { StorageGuard } from '../packages/client/src/storage/storage-guard.js'
import { accountSchema } from '../packages/client/src/testing/schemas.js'
import { seedSession, sessionInfo } from '../packages/client/src/testing/seed.js'
import { syncedEntry } from './synced-entry.js'

const RELAY_ANSWERS: 'agreed' | 'full' = 'agreed'
const SIZES = [2000, 10000]
const guard = new StorageGuard(() => undefined)
const relayDevice = parseDeviceId('relay')
const relayClock = createHybridClock({ device: relayDevice })
const info = (n: number) => ({
  salesforceId: accountId(n),
  lastModifiedDate: '2026-01-01T00:00:00.000Z',
  systemModstamp: '2026-01-01T00:00:00.000Z',
  lastModifiedById: '0055g0000000009AAA',
})

function accountId(n: number): SalesforceId {
  return toSalesforceId(`0015g${String(n).padStart(10, '0')}`) as SalesforceId
}

/**
 * The relay's copy of a record, kept as bytes (its sealed state and state vector): the relay
 * does not hold thousands of documents in memory either, and neither should the page.
 */
interface RelayCopy {
  state: Uint8Array
  vector: Uint8Array
}

function openCopy(name: string, copy?: RelayCopy): RecordDocument {
  return RecordDocument.open({
    engine: yjsEngine,
    name,
    schema: accountSchema.schema,
    actor: { user: 'relay', device: relayDevice },
    clock: relayClock,
    ...(copy ? { state: copy.state } : {}),
  })
}

function copyOf(doc: RecordDocument): RelayCopy {
  const copy = { state: doc.encodeState(), vector: doc.encodeStateVector() }
  doc.destroy()
  return copy
}

function relayDoc(n: number): RecordDocument {
  const doc = openCopy(`Account/${accountId(n)}`)
  doc.applyServerRecord(
    {
      Name: `Account ${n}`,
      Phone: `+1 415 555 ${String(n % 10_000).padStart(4, '0')}`,
      Industry: n % 2 ? 'Energy' : 'Retail',
      Description: `Key account ${n}. Visit quarterly; the buyer prefers email.`,
    },
    info(n),
  )
  return doc
}

/** Writes the records into the user's cache as a first fill leaves them (documents, index). */
async function seedCache(factory: IDBFactory, user: string, docs: RecordDocument[]): Promise<void> {
  const store = openDocStore({
    factory,
    user,
    layout: 'shared-database',
    durability: 'relaxed',
    guard,
  })
  const index = await CacheIndex.open(factory, `briefcase:${user}:index`, guard, 'relaxed')
  await index.putSchemas([accountSchema])
  const now = Date.now()
  for (let i = 0; i < docs.length; i += 500) {
    const page = docs.slice(i, i + 500)
    const records = new Map<string, IndexRecord>()
    await Promise.all(
      page.map(async (doc, j) => {
        const ydoc = (doc.engineDoc as YjsEngineDoc).ydoc
        await store.append(doc.name, Y.encodeStateAsUpdate(ydoc))
        records.set(
          doc.name,
          syncedEntry(doc, user, now - (i + j) * 1000, {
            source: 'briefcase',
            item: 'briefcase:bench',
          }),
        )
      }),
    )
    await index.update([...records.keys()], (_, doc) => records.get(doc) ?? null)
  }
  index.close()
  store.close()
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** The relay's answer to one document of a bulk request, from its copy. */
function answer(docs: Map<string, RelayCopy>, req: BulkRequestDoc): BulkResponseDoc {
  const copy = docs.get(req.name)
  if (!copy) return { name: req.name, ok: false, code: 'BRIEFCASE_NOT_FOUND', message: '' }
  if (
    RELAY_ANSWERS === 'agreed' &&
    req.update.length === 0 &&
    sameBytes(copy.vector, req.stateVector)
  )
    return { name: req.name, ok: true, update: new Uint8Array(), stateVector: req.stateVector }
  const doc = openCopy(req.name, copy)
  if (req.update.length > 0) doc.applyUpdate(req.update)
  const update = req.stateVector.length > 0 ? doc.encodeUpdate(req.stateVector) : doc.encodeState()
  const next = copyOf(doc)
  docs.set(req.name, next)
  return { name: req.name, ok: true, update, stateVector: next.vector }
}

/** A request body's bytes as the chunks of a stream. */
async function* chunks(body: Uint8Array): AsyncGenerator<Uint8Array> {
  const reader = new Blob([body as Uint8Array<ArrayBuffer>]).stream().getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    yield value
  }
}

function benchRelay(session: SessionInfo, docs: Map<string, RelayCopy>) {
  const stats = { relayMs: 0, bulkRequests: 0 }
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const started = performance.now()
    try {
      const url = new URL(input instanceof Request ? input.url : input.toString())
      if (url.pathname === '/auth/session') return Response.json(session)
      if (url.pathname.startsWith('/api/schemas/')) return Response.json(accountSchema)
      const body = new Uint8Array(await new Response(init?.body).arrayBuffer())
      if (url.pathname === '/sync/bulk/stream') {
        stats.bulkRequests += 1
        const parts: Uint8Array[] = [encodeStreamHeader()]
        for await (const req of readRequestStream(chunks(body)))
          parts.push(encodeAnswerFrame(answer(docs, req)))
        parts.push(encodeStreamEnd())
        return new Response(new Blob(parts as Uint8Array<ArrayBuffer>[]))
      }
      if (url.pathname === '/sync/bulk') {
        stats.bulkRequests += 1
        const answers = decodeBulkRequest(body).map((req) => answer(docs, req))
        return new Response(encodeBulkResponse(answers) as Uint8Array<ArrayBuffer>)
      }
      return new Response('{}', { status: 404 })
    } finally {
      stats.relayMs += performance.now() - started
    }
  }
  return { fetch, stats }
}

it.each(SIZES)(
  `reconnects a cache of %i records (10 percent edited offline, 5 percent changed on the relay)`,
  async (size) => {
    const user = `005bench${Math.random().toString(36).slice(2, 12)}`.padEnd(18, 'A').slice(0, 18)
    const session = sessionInfo(user, 'bench-device')
    const token = `token-${user}`
    await seedSession(indexedDB, session, token)
    const relayDocs = new Map<string, RelayCopy>()
    for (let start = 1; start <= size; start += 500) {
      const docs: RecordDocument[] = []
      for (let n = start; n < start + 500 && n <= size; n++) docs.push(relayDoc(n))
      await seedCache(indexedDB, user, docs)
      for (const doc of docs) relayDocs.set(doc.name, copyOf(doc))
    }
    const relay = benchRelay(session, relayDocs)
    const client = createBriefcaseClient({
      relayUrl: 'http://relay.bench/',
      session: token,
      indexedDB,
      fetch: relay.fetch,
      autoSync: false,
      storageLayout: 'shared-database',
      environment: { BroadcastChannel: null },
    })
    await client.ready
    await new Promise((r) => setTimeout(r, 50))
    expect(client.online).toBe(true)

    const names = [...relayDocs.keys()]
    client.goOffline()
    const edited = names.slice(0, size / 10)
    for (const [i, doc] of edited.entries()) {
      const handle = await client.open(doc, { live: false })
      await handle.set('Phone', `+1 555 ${String(i).padStart(6, '0')}`)
      await handle.close()
    }
    const changed = names.slice(size - size / 20)
    for (const name of changed) {
      const doc = openCopy(name, relayDocs.get(name))
      doc.applyServerRecord(
        { Industry: 'Energy', Name: 'Changed on the relay' },
        { ...info(names.indexOf(name) + 1), lastModifiedDate: '2026-02-01T00:00:00.000Z' },
      )
      relayDocs.set(name, copyOf(doc))
    }
    await client.goOnline()
    relay.stats.relayMs = 0
    relay.stats.bulkRequests = 0
    // The first progress with records done comes once the request is sent and the first answers
    // are in: before it, the device reads its index and encodes what the relay lacks.
    let firstAnswers = 0
    client.addEventListener('refresh-progress', (e) => {
      if (e.done > 0 && firstAnswers === 0) firstAnswers = performance.now() - started
    })
    const started = performance.now()
    const synced = await client.sync()
    const ms = performance.now() - started
    expect(synced.failed).toEqual([])
    const first = openCopy(edited[0] ?? '', relayDocs.get(edited[0] ?? ''))
    expect(first.get('Phone')).toBe('+1 555 000000')
    first.destroy()
    const check = await client.open(changed[0] ?? '', { live: false })
    expect(check.get('Name')).toBe('Changed on the relay')
    await check.close()
    const results = {
      records: size,
      relayAnswers: RELAY_ANSWERS,
      reconnectMs: Math.round(ms),
      firstAnswersMs: Math.round(firstAnswers),
      benchRelayMs: Math.round(relay.stats.relayMs),
      clientMs: Math.round(ms - relay.stats.relayMs),
      bulkRequests: relay.stats.bulkRequests,
      changed: synced.changed,
    }
    console.log(`BENCH client-reconnect ${JSON.stringify(results)}`)
    await client.discardAndLogout()
  },
)
