import { openPostgresDatabase } from '@briefcase/relay'
import type { RedisProcess } from '@briefcase/relay/testing'
import {
  checkPostgres,
  checkRedis,
  checkRedisServer,
  startRedisProcess,
  testPostgresUrl,
  testRedisUrl,
} from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from '../relay/device.js'
import type { Started } from './cluster.js'
import { Cluster, kill } from './cluster.js'
import { changeEventsOf, updatesPerRecord } from './org-events.js'

const postgres = await checkPostgres()
const redis = await checkRedis()
const redisServer = await checkRedisServer()
const available = postgres.available && redis.available && redisServer.available
const title = [postgres, redis, redisServer].reduce(
  (t, check) => check.title(t),
  'three relay processes on one PostgreSQL and one Redis',
)
/** Kill trials: 4 here, 20 with SCALE_LONG=1 (≥ 20 across the suite and its long mode); SCALE_TRIALS overrides. */
const TRIALS = Number(process.env.SCALE_TRIALS ?? (process.env.SCALE_LONG === '1' ? 20 : 4))

type Row = Record<string, unknown>

describe.skipIf(!available)(title, () => {
  const cluster = new Cluster({ postgresUrl: testPostgresUrl(), redisUrl: testRedisUrl() })
  const devices: Device[] = []
  let accounts: string[] = []
  let next = 0
  /** Accounts no test has edited yet. */
  const fresh = (n: number): string[] => {
    const out = accounts.slice(next, next + n)
    next += n
    if (out.length < n) throw new Error('the org has too few accounts for this suite')
    return out
  }
  const orgUrl = (): string => cluster.org?.url as string
  const snapshot = async (): Promise<Row[]> => {
    const res = await fetch(`${orgUrl()}/__org/snapshot`)
    return ((await res.json()) as { Account?: Row[] }).Account ?? []
  }
  const device = async (relay: Started, id: string): Promise<Device> => {
    const d = await Device.signIn(relay.url, 'rep1', id)
    devices.push(d)
    return d
  }
  /** Waits until the org holds `want` (record name → field → value). */
  const orgHolds = async (want: Map<string, Row>, ms = 40_000): Promise<void> => {
    let last = ''
    try {
      await until(async () => {
        const rows = await snapshot()
        const wrong = [...want].filter(([name, fields]) => {
          const row = rows.find((r) => `Account/${String(r.Id)}` === name)
          return Object.entries(fields).some(([f, v]) => row?.[f] !== v)
        })
        last = wrong
          .map(([n, fields]) => {
            const row = rows.find((r) => `Account/${String(r.Id)}` === n)
            const diff = Object.entries(fields).filter(([f, v]) => row?.[f] !== v)
            return `${n} (${diff.map(([f, v]) => `${f}: org ${JSON.stringify(row?.[f])}, want ${JSON.stringify(v)}`).join('; ')})`
          })
          .join(', ')
        return wrong.length === 0
      }, ms)
    } catch {
      throw new Error(`the org lacks the merged values of ${last}`)
    }
  }
  const faults = (latencyMs: number): Promise<Response> =>
    fetch(`${orgUrl()}/__org/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs }),
    })

  beforeAll(async () => {
    await cluster.start()
    await Promise.all([0, 1, 2].map(() => cluster.startRelay()))
    accounts = (await snapshot())
      .filter((a) => a.IsDeleted !== true)
      .map((a) => `Account/${String(a.Id)}`)
  }, 120_000)
  afterAll(async () => {
    for (const d of devices) d.close()
    await cluster.stop()
    await cluster.dropSchema()
  }, 60_000)

  it('clients spread over the relays converge, and the org ends with the merged state, each write once', async () => {
    const [live, ...bulkNames] = fresh(7) as [string, ...string[]]
    const relays = cluster.relays
    const before = (await snapshot()).find((r) => `Account/${String(r.Id)}` === live)
    // Live: one y-websocket client per relay on the same record, each editing its own field
    // (the three relays load the record from Salesforce at once: one of them creates it).
    const lives = await Promise.all(relays.map((r, i) => device(r, `live-${i}`)))
    await Promise.all(lives.map((d) => d.live(live)))
    const docs = await Promise.all(lives.map((d) => d.open(live)))
    docs[0]?.set('Phone', '4155550170')
    docs[1]?.set('Website', 'https://three.example')
    docs[2]?.insertText('Description', 0, 'Merged on three relays. ')
    await until(
      () =>
        docs.every(
          (d) =>
            d.get('Phone') === '4155550170' &&
            d.get('Website') === 'https://three.example' &&
            d.text('Description').startsWith('Merged on three relays. '),
        ),
      20_000,
    )
    // The text is the org's once, with the insert: not one copy per relay that loaded it.
    expect(docs[0]?.text('Description')).toBe(
      `Merged on three relays. ${typeof before?.Description === 'string' ? before.Description : ''}`,
    )
    // Bulk: each relay gets two records edited offline, in one request.
    const want = new Map<string, Row>()
    const bulks = await Promise.all(relays.map((r, i) => device(r, `bulk-${i}`)))
    await Promise.all(
      bulks.map(async (d, i) => {
        const names = bulkNames.slice(i * 2, i * 2 + 2)
        await d.bulk(names)
        for (const [j, name] of names.entries()) {
          const values = { Phone: `41555502${i}${j}`, Website: `https://bulk-${i}-${j}.example` }
          const doc = await d.open(name)
          for (const [f, v] of Object.entries(values)) doc.set(f, v)
          want.set(name, values)
        }
        const answers = await d.bulk(names)
        expect(answers.every((a) => a.ok)).toBe(true)
      }),
    )
    // Another relay serves those edits to a device syncing there.
    const reader = await device(relays[1] as Started, 'reader')
    await reader.bulk(bulkNames)
    for (const [name, values] of want) {
      expect((await reader.open(name)).values()).toMatchObject(values)
    }
    want.set(live, {
      Phone: '4155550170',
      Website: 'https://three.example',
      Description: docs[0]?.text('Description'),
    })
    await orgHolds(want)
    const updates = updatesPerRecord(await changeEventsOf(orgUrl(), 'Account'))
    for (const name of bulkNames) {
      // One bulk request, one relay projecting it: one write.
      expect(updates.get(name.slice('Account/'.length)) ?? [], name).toHaveLength(1)
    }
    for (const e of updates.get(live.slice('Account/'.length)) ?? []) {
      // Each write of the live record changed something: none repeated another.
      expect(
        e.changedFields.filter((f) => f !== 'LastModifiedDate'),
        live,
      ).not.toHaveLength(0)
    }
  }, 90_000)

  it(
    `a relay killed with SIGKILL while it projects: another takes over, nothing lost or written twice (${TRIALS} trials)`,
    async () => {
      const db = await openPostgresDatabase({ url: testPostgresUrl(), schema: cluster.schema })
      const holders = async (names: readonly string[]): Promise<string[]> => {
        const rows = await db.query<{ holder: string }>(
          'SELECT holder FROM relay_lease WHERE name = ANY($1::text[])',
          [names.map((n) => `record:${n}`)],
        )
        return rows.map((r) => r.holder)
      }
      const want = new Map<string, Row>()
      const kills: string[] = []
      let leftInFlight = 0
      try {
        for (let trial = 0; trial < TRIALS; trial++) {
          const relay = cluster.relays[trial % cluster.relays.length] as Started
          const d = await device(relay, `kill-${trial}`)
          const names = fresh(3)
          await d.bulk(names)
          for (const [j, name] of names.entries()) {
            const values = {
              Phone: `41555503${trial % 10}${j}`,
              Website: `https://k${trial}-${j}.example`,
            }
            const doc = await d.open(name)
            for (const [f, v] of Object.entries(values)) doc.set(f, v)
            want.set(name, values)
          }
          // Slow calls, so that the kill lands inside projection (reads, the write, the acks).
          await faults(60)
          expect((await d.bulk(names)).every((a) => a.ok)).toBe(true)
          let holder: string | undefined
          await until(async () => {
            holder = (await holders(names))[0]
            return holder !== undefined
          }, 10_000)
          const victim = cluster.relays.find((r) => holder?.includes(`-${String(r.child.pid)}-`))
          expect(victim, `lease holder ${String(holder)} is one of the relays`).toBeDefined()
          await new Promise((r) => setTimeout(r, (trial * 53) % 200))
          await kill(victim as Started)
          // Calls the killed relay left in flight (recorded, never settled): the relay taking over
          // must reconcile them with Salesforce before it sends anything for those records.
          const outbox = await db.query<{ writes: { ref: { name: string } }[] }>(
            'SELECT writes FROM projection_outbox',
          )
          const inFlight = outbox.filter((o) => o.writes.some((w) => names.includes(w.ref.name)))
          if (inFlight.length > 0) leftInFlight++
          kills.push(
            `${trial}: killed ${String(victim?.child.pid)} after ${(trial * 53) % 200} ms, ${inFlight.length} call(s) in flight`,
          )
          await faults(0)
          cluster.relays.splice(cluster.relays.indexOf(victim as Started), 1)
          d.close()
          await orgHolds(new Map(names.map((n) => [n, want.get(n) as Row])))
          await cluster.startRelay()
        }
      } finally {
        await db.close()
      }
      await orgHolds(want)
      const updates = updatesPerRecord(await changeEventsOf(orgUrl(), 'Account'))
      const counts = [...want.keys()].map(
        (n) => updates.get(n.slice('Account/'.length))?.length ?? 0,
      )
      console.info(
        `relay-scale kills:\n${kills.join('\n')}\n${leftInFlight} of ${TRIALS} kills left a call in flight; writes per record: ${counts.join(' ')}`,
      )
      expect(counts.every((c) => c === 1)).toBe(true)
    },
    60_000 + TRIALS * 30_000,
  )

  it('live clients on relays of a Redis that restarts mid-run converge', async () => {
    let own: RedisProcess | undefined
    try {
      own = await startRedisProcess()
      const pair = [await cluster.startRelay([], own.url), await cluster.startRelay([], own.url)]
      const [name] = fresh(1) as [string]
      const [a, b] = await Promise.all(pair.map((r, i) => device(r, `redis-${i}`)))
      await (a as Device).live(name)
      await (b as Device).live(name)
      const docA = await (a as Device).open(name)
      const docB = await (b as Device).open(name)
      docA.set('Phone', '4155550180')
      await until(() => docB.get('Phone') === '4155550180', 20_000)
      await own.stop()
      docA.set('Website', 'https://outage.example')
      docB.insertText('Description', 0, 'While Redis was down. ')
      await own.restart()
      await until(
        () =>
          docB.get('Website') === 'https://outage.example' &&
          docA.text('Description').startsWith('While Redis was down. '),
        20_000,
      )
      docB.set('Phone', '4155550181')
      await until(() => docA.get('Phone') === '4155550181', 20_000)
      expect(docA.snapshot()).toEqual(docB.snapshot())
    } finally {
      await own?.stop()
    }
  }, 90_000)
})
