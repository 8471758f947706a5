/**
 * Scale-out: one relay against three behind round-robin, same total load, same run. Each relay
 * is the shipped server (`apps/server`, bundled) in its own process on one PostgreSQL schema and
 * one Redis prefix, with one org emulator process (tests/relay-scale/cluster.ts). Measured:
 * - live: PAIRS writer/reader pairs of y-websocket clients on one record each, EDITS edits per
 *   writer; the time from a writer's edit to its reader seeing it. With three relays, half the
 *   pairs have writer and reader on different relays (crossing: through Redis), half on the same;
 * - durable ingest: six devices, spread over the relays, each syncing its share of RECORDS
 *   offline-edited records in one bulk request at once: records acknowledged (durable) per second;
 * - projection: from the start of that ingest until the org holds every value: records per second.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-scale.ts
 * Options: ROUNDS=3 PAIRS=12 EDITS=20 RECORDS=120
 */
import { testPostgresUrl, testRedisUrl } from '@briefcase/relay/testing'
import type { RecordDocument } from '@briefcase/record'
import { Device } from '../tests/relay/device.js'
import { Cluster } from '../tests/relay-scale/cluster.js'
import { spread } from './processes.js'

const ROUNDS = Number(process.env.ROUNDS ?? 3)
const PAIRS = Number(process.env.PAIRS ?? 12)
const EDITS = Number(process.env.EDITS ?? 20)
const RECORDS = Number(process.env.RECORDS ?? 120)
const BULK_DEVICES = 6

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN
}

/** Resolves when `doc` shows `value` in `field`. */
function seen(doc: RecordDocument, field: string, value: string): Promise<void> {
  return new Promise((resolve) => {
    if (doc.get(field) === value) return resolve()
    const off = doc.engineDoc.onChange(() => {
      if (doc.get(field) !== value) return
      off()
      resolve()
    })
  })
}

interface Result {
  crossing: number[]
  staying: number[]
  ingestPerS: number
  projectedPerS: number
}

async function run(relays: 1 | 3): Promise<Result> {
  const cluster = new Cluster({ postgresUrl: testPostgresUrl(), redisUrl: testRedisUrl() })
  const devices: Device[] = []
  try {
    await cluster.start(PAIRS + RECORDS)
    for (let i = 0; i < relays; i++) await cluster.startRelay()
    const rows = (await (await fetch(`${cluster.org?.url}/__org/snapshot`)).json()) as {
      Account: { Id: string; IsDeleted?: boolean }[]
    }
    const names = rows.Account.filter((a) => a.IsDeleted !== true).map((a) => `Account/${a.Id}`)
    const on = (i: number): string => (cluster.relays[i % relays] as { url: string }).url
    // Live pairs: with three relays, even pairs cross relays and odd ones stay on one.
    const crossing: number[] = []
    const staying: number[] = []
    await Promise.all(
      Array.from({ length: PAIRS }, async (_, i) => {
        const name = names[i] as string
        const writer = await Device.signIn(on(i), 'rep1', `w${i}`)
        const reader = await Device.signIn(
          on(relays === 3 && i % 2 === 0 ? i + 1 : i),
          'rep1',
          `r${i}`,
        )
        devices.push(writer, reader)
        await writer.live(name)
        await reader.live(name)
        const w = await writer.open(name)
        const r = await reader.open(name)
        for (let k = 0; k < EDITS; k++) {
          const value = `41555${String(i).padStart(2, '0')}${String(k).padStart(3, '0')}`
          const started = performance.now()
          w.set('Phone', value)
          await seen(r, 'Phone', value)
          const ms = performance.now() - started
          if (relays === 3 && i % 2 === 0) crossing.push(ms)
          else staying.push(ms)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }),
    )
    // Durable ingest and projection: offline edits of RECORDS records, bulk, spread over relays.
    const bulk = names.slice(PAIRS, PAIRS + RECORDS)
    const share = Math.ceil(bulk.length / BULK_DEVICES)
    const senders = await Promise.all(
      Array.from({ length: BULK_DEVICES }, (_, i) => Device.signIn(on(i), 'rep1', `b${i}`)),
    )
    devices.push(...senders)
    const parts = senders.map((_, i) => bulk.slice(i * share, (i + 1) * share))
    await Promise.all(senders.map((d, i) => d.bulk(parts[i])))
    for (const [i, d] of senders.entries()) {
      for (const name of parts[i] ?? []) (await d.open(name)).set('Website', `https://${i}.bench`)
    }
    const started = performance.now()
    await Promise.all(senders.map((d, i) => d.bulk(parts[i])))
    const ingestMs = performance.now() - started
    for (;;) {
      const now = (await (await fetch(`${cluster.org?.url}/__org/snapshot`)).json()) as {
        Account: { Id: string; Website?: string }[]
      }
      const done = now.Account.filter((a) => a.Website?.endsWith('.bench')).length
      if (done >= bulk.length) break
      if (performance.now() - started > 120_000)
        throw new Error(`projected ${done} of ${bulk.length}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const projectedMs = performance.now() - started
    return {
      crossing,
      staying,
      ingestPerS: (bulk.length / ingestMs) * 1000,
      projectedPerS: (bulk.length / projectedMs) * 1000,
    }
  } finally {
    for (const d of devices) d.close()
    await cluster.stop()
    await cluster.dropSchema()
  }
}

const results: Record<string, Result[]> = { '1': [], '3': [] }
for (let round = 0; round < ROUNDS; round++) {
  for (const relays of [1, 3] as const) results[String(relays)]?.push(await run(relays))
}
const row = (label: string, values: number[][], digits = 1): string =>
  `${label}: p50 ${spread(
    values.map((v) => percentile(v, 50)),
    digits,
  )} ms, p99 ${spread(
    values.map((v) => percentile(v, 99)),
    digits,
  )} ms`
const one = results['1'] ?? []
const three = results['3'] ?? []
console.log(
  `relay-scale: ${ROUNDS} rounds, ${PAIRS} live pairs × ${EDITS} edits, ${RECORDS} bulk records`,
)
console.log(
  row(
    '1 relay, live edit',
    one.map((r) => r.staying),
  ),
)
console.log(
  row(
    '3 relays, live edit staying on one relay',
    three.map((r) => r.staying),
  ),
)
console.log(
  row(
    '3 relays, live edit crossing relays',
    three.map((r) => r.crossing),
  ),
)
for (const [label, rs] of [
  ['1 relay', one],
  ['3 relays', three],
] as const) {
  console.log(
    `${label}: durable ingest ${spread(rs.map((r) => r.ingestPerS))} records/s, projection ${spread(rs.map((r) => r.projectedPerS))} records/s`,
  )
}
process.exit(0)
