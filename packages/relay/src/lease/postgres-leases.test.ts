import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { openPostgresDatabase } from '../store/postgres-database.js'
import { checkPostgres, testSchemas } from '../testing/postgres.js'
import { PostgresLeases } from './postgres-leases.js'
import type { PostgresLeasesOptions } from './postgres-leases.js'

const postgres = await checkPostgres()
const schemas = testSchemas()
const logger = pino({ level: 'silent' })
const all: PostgresLeases[] = []
afterAll(async () => {
  for (const l of all) await l.close()
  await schemas.dropAll()
})

/** Two relays' leases on one schema, each with its own pool. */
async function two(
  a: Partial<PostgresLeasesOptions> = {},
  b: Partial<PostgresLeasesOptions> = {},
): Promise<[PostgresLeases, PostgresLeases]> {
  const first = await schemas.open()
  const second = await openPostgresDatabase({ url: schemas.url, schema: first.schema })
  schemas.track(second)
  const pair: [PostgresLeases, PostgresLeases] = [
    new PostgresLeases({ database: first, holder: 'relay-a', logger, ...a }),
    new PostgresLeases({ database: second, holder: 'relay-b', logger, ...b }),
  ]
  all.push(...pair)
  return pair
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe.skipIf(!postgres.available)(postgres.title('PostgresLeases'), () => {
  it('gives each lease to one relay, even when both claim at once', async () => {
    const [a, b] = await two()
    const names = Array.from({ length: 50 }, (_, i) => `record:Account/${i}`)
    const [gotA, gotB] = await Promise.all([a.claim(names), b.claim(names)])
    for (const name of names) expect(gotA.has(name) !== gotB.has(name)).toBe(true)
    for (const name of names) expect(a.holds(name)).toBe(gotA.has(name))
    // A claim again renews what a relay holds and takes nothing of the other's.
    expect(await a.claim(names)).toEqual(gotA)
    expect(await b.claim(names)).toEqual(gotB)
  })

  it("keeps a lease while its holder renews it, and hands a dead holder's over once it lapses", async () => {
    const [a, b] = await two({ ttlMs: 1000, renewMs: 200 }, { ttlMs: 1000 })
    expect(await a.claim(['pull'])).toEqual(new Set(['pull']))
    await sleep(1500)
    expect(await b.claim(['pull'])).toEqual(new Set())
    expect(a.holds('pull')).toBe(true)
    // A stops renewing (as if killed): its lease lapses, locally first, then in the table.
    await a.close().catch(() => undefined)
    const [c, d] = await two({ ttlMs: 800, renewMs: 60_000 }, { ttlMs: 800 })
    expect(await c.claim(['x'])).toEqual(new Set(['x']))
    expect(await d.claim(['x'])).toEqual(new Set())
    await sleep(1000)
    expect(c.holds('x')).toBe(false)
    expect(await d.claim(['x'])).toEqual(new Set(['x']))
    expect(d.holds('x')).toBe(true)
  })

  it('lets another relay take a released lease at once', async () => {
    const [a, b] = await two()
    await a.claim(['record:Account/1', 'record:Account/2'])
    await a.release(['record:Account/1'])
    expect(a.holds('record:Account/1')).toBe(false)
    expect(await b.claim(['record:Account/1', 'record:Account/2'])).toEqual(
      new Set(['record:Account/1']),
    )
  })
})
