import { CACHE_PLAN_STREAM_TYPE, readCachePlanStream } from '@briefcase/protocol'
import type { CachePlanLine } from '@briefcase/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BriefcaseClient } from '../briefcase-client.js'
import type { RelayHarness } from '../testing/relay-harness.js'
import { eventually, startRelayHarness } from '../testing/relay-harness.js'

/** Enough Accounts for the plan to come in several pages and the fill to read several pages. */
const ACCOUNTS = 2100
const FILTER = {
  id: 'all-accounts',
  label: 'All Accounts',
  sobject: 'Account',
  where: 'Name != null',
  limit: 10_000,
}
/** Opportunities are private: each rep reads their own. */
const OPPORTUNITIES = { ...FILTER, id: 'all-opportunities', sobject: 'Opportunity' }
/** The org fails the next query-more page (a plan's or a fill's `nextRecordsUrl`). */
const NEXT_PAGE_FAILS = {
  method: 'GET',
  pathIncludes: '/query/',
  status: 400,
  errorCode: 'INVALID_QUERY_LOCATOR',
  message: 'invalid query locator',
} as const

let h: RelayHarness
const start = async (): Promise<void> => {
  h = await startRelayHarness(ACCOUNTS, {
    projection: false,
    relay: { briefcaseFilters: [FILTER, OPPORTUNITIES] },
  })
}
beforeAll(start, 120_000)
afterEach(async () => {
  h.org.setFaults({ failNext: [] })
  await h.closeDevices()
})
afterAll(async () => {
  await h.close()
})

/** The records of an object a user may read, as the org answers that user's own query. */
async function readable(username: string, sobject = 'Account'): Promise<string[]> {
  const token = h.org.issueToken(username)
  const ids: string[] = []
  let url: string | undefined =
    `/services/data/v62.0/query?q=${encodeURIComponent(`SELECT Id FROM ${sobject}`)}`
  while (url) {
    const res = await fetch(`${h.relay.url}${url}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const page = (await res.json()) as { records: { Id: string }[]; nextRecordsUrl?: string }
    ids.push(...page.records.map((r) => r.Id))
    url = page.nextRecordsUrl
  }
  return ids.sort()
}

async function storedDocs(sobject = 'Account'): Promise<string[]> {
  const names: string[] = []
  for (const m of await h.relay.store.listDocs({ sobject, limit: 100_000 })) names.push(m.name)
  return names
}

/** A manager's device whose relay preferences hold the filter (the device has not refreshed). */
async function preferringFilter(name: string): Promise<{ client: BriefcaseClient; token: string }> {
  const { client, token } = await h.device(name, 'manager@briefcase.test')
  await eventually(() => client.online, 'online')
  const put = await fetch(`${h.relay.url}/api/preferences`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items: [`briefcase:${FILTER.id}`] }),
  })
  expect(put.status).toBe(200)
  return { client, token }
}

const queries = (): number => h.org.calls().filter((c) => c.path.includes('/query')).length

describe('first fill of a large cache: the plan streamed, the records loaded by the bulk sync', () => {
  it('answers the first part of a plan of thousands of records before any record is loaded, then the fill reports progress as records are stored', async () => {
    const { client, token } = await preferringFilter('fill-phone')
    const res = await fetch(`${h.relay.url}/api/cache-plan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: CACHE_PLAN_STREAM_TYPE },
    })
    expect(res.headers.get('content-type')).toContain(CACHE_PLAN_STREAM_TYPE)
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let text = ''
    let firstPage: CachePlanLine | undefined
    while (!firstPage) {
      const { done, value } = await reader.read()
      expect(done).toBe(false)
      text += decoder.decode(value, { stream: true })
      firstPage = text
        .split('\n')
        .slice(0, -1)
        .map((l) => JSON.parse(l) as CachePlanLine)
        .find((l) => 'records' in l)
    }
    // The first page is here; nothing of the plan has been loaded into documents.
    expect('records' in firstPage && firstPage.records.length).toBeGreaterThan(0)
    expect(await storedDocs()).toEqual([])
    const rest = (async function* () {
      yield new TextEncoder().encode(text)
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        yield value
      }
    })()
    const pages: number[] = []
    const plan = await readCachePlanStream(rest, (n) => pages.push(n))
    const all = await readable('manager@briefcase.test')
    expect(plan.records.map((r) => r.id).sort()).toEqual(all)
    expect(pages.length).toBeGreaterThan(1)
    expect(await storedDocs()).toEqual([])

    // The device's refresh: progress as records are stored, every planned record cached.
    const progress: number[] = []
    client.addEventListener('refresh-progress', (e) => {
      if (e.reason === 'refresh') progress.push(e.done)
    })
    h.org.clearCalls()
    const result = await client.refresh()
    expect(result.failed).toEqual([])
    expect(await client.countCache({ sobject: 'Account' })).toBe(all.length)
    expect(progress.at(-1)).toBe(all.length)
    expect(progress.filter((d) => d > 0 && d < all.length).length).toBeGreaterThan(10)
    // The plan's pages and the fill's pages: not one query per 200 Ids.
    expect(queries()).toBeLessThan(all.length / 200)
    const docs = await storedDocs()
    expect(new Set(docs).size).toBe(docs.length)
    expect(docs.filter((d) => d.split('/').length === 2).length).toBe(all.length)
    const sample = plan.records[Math.floor(plan.records.length / 2)]
    const handle = await client.open(sample?.doc as string)
    expect(handle.get('Name')).toBe(sample?.name)
    expect(typeof handle.get('Credit_Limit__c')).toBe('number')
    await handle.close()
  }, 180_000)

  it('gives a rep only the records and fields the rep may read', async () => {
    const { client } = await h.device('rep-phone', 'rep1@briefcase.test')
    await eventually(() => client.online, 'online')
    const result = await client.savePreferences([`briefcase:${OPPORTUNITIES.id}`])
    expect(result.failed).toEqual([])
    const mine = await readable('rep1@briefcase.test', 'Opportunity')
    const cached = await client.listCache({ sobject: 'Opportunity' })
    expect(cached.map((e) => e.doc.split('/')[1]).sort()).toEqual(mine)
    const everyone = await readable('manager@briefcase.test', 'Opportunity')
    expect(mine.length).toBeGreaterThan(400)
    expect(mine.length).toBeLessThan(everyone.length)
    // The relay holds documents of the rep's records only.
    expect((await storedDocs('Opportunity')).map((d) => d.split('/')[1]).sort()).toEqual(mine)
    // Field-level security: the rep's Account documents never hold the credit limit.
    await client.savePreferences([`briefcase:${FILTER.id}`])
    const handle = await client.open(
      `Account/${(await readable('rep1@briefcase.test'))[0] as string}`,
    )
    expect(handle.get('Name')).toEqual(expect.any(String))
    expect(() => handle.get('Credit_Limit__c')).toThrow(/no field Credit_Limit__c/)
    await handle.close()
  }, 180_000)

  it('a plan cut by a Salesforce failure after its first page is no plan: the cache is left as it was', async () => {
    const { client } = await preferringFilter('cut-plan-phone')
    // The plan's second page (nextRecordsUrl) fails.
    h.org.setFaults({
      failNext: [NEXT_PAGE_FAILS],
    })
    const error = await client.refresh().then(
      () => undefined,
      (e: unknown) => e as { code?: string; relayCode?: string },
    )
    expect(error?.code).toBe('BRIEFCASE_RELAY_ERROR')
    expect(error?.relayCode).toMatch(/^BRIEFCASE_/)
    expect(await client.countCache()).toBe(0)
  }, 120_000)

  it('a fill that fails mid-way loses nothing, and a second refresh completes it without duplicates', async () => {
    await h.close()
    await start()
    // Once the bulk sync starts, the fill's next page fails, and so do the by-Id reads that
    // replace it (the plan's own queries go through).
    let armed = false
    const { client } = await h.device('retry-tablet', 'manager@briefcase.test', {
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input)
        if (!armed && url.includes('/sync/bulk')) {
          armed = true
          h.org.setFaults({
            failNext: [
              NEXT_PAGE_FAILS,
              {
                method: 'GET',
                pathIncludes: 'Id%20IN%20(',
                status: 400,
                errorCode: 'QUERY_TIMEOUT',
                message: 'Your query request was running for too long.',
                times: 2,
              },
            ],
          })
        }
        return fetch(input, init)
      },
    })
    await eventually(() => client.online, 'online')
    const first = await client.savePreferences([`briefcase:${FILTER.id}`])
    expect(armed).toBe(true)
    h.org.setFaults({ failNext: [] })
    const all = await readable('manager@briefcase.test')
    expect(first.failed.length).toBeGreaterThan(0)
    expect(first.failed.length).toBeLessThan(all.length)
    expect(new Set(first.failed.map((f) => f.code))).toEqual(
      new Set(['BRIEFCASE_SALESFORCE_ERROR']),
    )
    const stored = await storedDocs()
    expect(stored.length).toBeGreaterThan(0)
    const second = await client.refresh()
    expect(second.failed).toEqual([])
    const entries = await client.listCache({ sobject: 'Account' })
    expect(entries.map((e) => e.doc.split('/')[1]).sort()).toEqual(all)
    expect(entries.filter((e) => e.syncStatus === 'failed')).toEqual([])
    const docs = await storedDocs()
    expect(new Set(docs).size).toBe(docs.length)
    expect(docs.filter((d) => d.split('/').length === 2).length).toBe(all.length)
    for (const d of stored) expect(docs).toContain(d)
  }, 240_000)
})
