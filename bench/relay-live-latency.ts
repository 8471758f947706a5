/**
 * Live edit latency, relay against the stock y-websocket server, each server in a process of its
 * own (bench/servers.ts), the clients here: 20 and 100 real y-websocket clients on one record,
 * each editing once a second; per edit, the time until each other client holds it. Each round
 * starts every server afresh (a fresh relay data directory; a fresh stock document), the servers
 * alternate A B A B, and the table gives medians with min–max over the rounds, with each
 * server's CPU time per edit, peak RSS, and the sync updates and bytes each receiver got per
 * edit. The relay is durable (an update is in the SQLite WAL before anyone receives it) and runs
 * its projection (Salesforce writes) as `npm start` does; the stock server keeps documents in
 * memory only.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-live-latency.ts
 * Environment: ROUNDS (5), SIZES (20,100), MEASURE_S (15), WARM_S (3), EMBEDDED=1 adds the relay
 * with its org embedded (as `npm start` runs it with no --org-url), BASE_ROOT=<a built checkout>
 * adds its relay (before and after in one run), RELAY_NODE_FLAGS (for `--cpu-prof`).
 */
import type { ObjectSchema } from '@briefcase/record'
import { Device } from '../tests/relay/device.js'
import type { ClientIdentity, LiveRun } from './live-clients.js'
import { connectClients, percentile, runEdits } from './live-clients.js'
import type { ServerProcess } from './servers.js'
import {
  buildOnce,
  formatSpread,
  freePort,
  loadAverage,
  startOrg,
  startRelay,
  startStock,
} from './servers.js'

const ROUNDS = Number(process.env.ROUNDS ?? 5)
const SIZES = (process.env.SIZES ?? '20,100').split(',').map(Number)
const MEASURE_MS = Number(process.env.MEASURE_S ?? 15) * 1000
const WARM_MS = Number(process.env.WARM_S ?? 3) * 1000
const FIELD = 'Website'

interface Row {
  p50: number
  p99: number
  cpuPerEdit: number
  peakRss: number
  updates: number
  bytes: number
  missing: number
  load: string
}

type Subject = 'relay' | 'relay+org' | 'stock' | 'relay (base)'
/** Another built checkout whose relay runs beside this one's (`BASE_ROOT`: before and after). */
const BASE_ROOT = process.env.BASE_ROOT

// y-websocket adds a process 'exit' listener per provider.
process.setMaxListeners(0)
buildOnce()
const relayPort = await freePort()
const org = await startOrg({
  port: await freePort(),
  redirectUri: `http://127.0.0.1:${relayPort}/auth/callback`,
})
const accounts = (await (await fetch(`${org.url}/__org/snapshot`)).json()) as {
  Account: { Id: string }[]
}
const name = `Account/${accounts.Account[0]?.Id}`
let seed: { schema: ObjectSchema; state: Uint8Array } | undefined

async function signIn(url: string, n: number): Promise<ClientIdentity[]> {
  const out: ClientIdentity[] = []
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, (_, k) =>
        Device.signIn(url, 'rep1', `live-${i + k}`),
      ),
    )
    for (const d of batch) out.push({ user: d.userId, device: d.id, token: d.token })
  }
  return out
}

async function recordName(server: ServerProcess, subject: Subject): Promise<string> {
  if (subject !== 'relay+org') return name
  const snapshot = (await (await fetch(`${server.url}/__org/snapshot`)).json()) as {
    Account: { Id: string }[]
  }
  return `Account/${snapshot.Account[0]?.Id}`
}

/** One run: a fresh server, `n` clients, the edits; the server stopped after. */
async function once(subject: Subject, n: number): Promise<Row> {
  let server: ServerProcess
  let identities: ClientIdentity[]
  let url: string
  let record = name
  let state: Uint8Array
  let schema: ObjectSchema
  if (subject === 'stock') {
    if (!seed) throw new Error('the relay runs first: it gives the record')
    server = await startStock({ port: await freePort() })
    identities = Array.from({ length: n }, (_, i) => ({ user: 'u', device: `y-${i}` }))
    url = server.url.replace(/^http/, 'ws')
    ;({ schema, state } = seed)
  } else {
    const embedded = subject === 'relay+org'
    server = await startRelay({
      port: embedded ? await freePort() : relayPort,
      ...(embedded ? {} : { orgUrl: org.url }),
      ...(subject === 'relay (base)' && BASE_ROOT ? { root: BASE_ROOT } : {}),
    })
    record = await recordName(server, subject)
    const setup = await Device.signIn(server.url, 'rep1', 'seed')
    await setup.bulk([record])
    schema = await setup.schema('Account')
    state = (await setup.open(record)).encodeState()
    if (subject === 'relay') seed ??= { schema, state }
    identities = await signIn(server.url, n)
    url = `${server.url.replace(/^http/, 'ws')}/sync/live`
  }
  const clients = await connectClients(url, record, schema, state, identities)
  const load = loadAverage()
  const cpuBefore = server.stats().cpuMs
  const run: LiveRun = await runEdits(clients, FIELD, {
    warmMs: WARM_MS,
    measureMs: MEASURE_MS,
    drainMs: 5000,
    tag: subject,
  })
  const stats = server.stats()
  for (const c of clients) c.provider.destroy()
  await server.stop()
  const row: Row = {
    p50: percentile(run.latencies, 50),
    p99: percentile(run.latencies, 99),
    // CPU over the whole run (warm-up and drain included) over every edit made in it.
    cpuPerEdit: (stats.cpuMs - cpuBefore) / run.allEdits,
    peakRss: stats.peakRssMb,
    updates: run.updatesPerEdit,
    bytes: run.bytesPerEdit,
    missing: run.missing,
    load,
  }
  console.log(
    `${subject.padEnd(12)} ${String(n).padStart(3)} clients: p50 ${row.p50.toFixed(1)} ms, ` +
      `p99 ${row.p99.toFixed(1)} ms, CPU ${row.cpuPerEdit.toFixed(2)} ms/edit, ` +
      `peak RSS ${row.peakRss.toFixed(0)} MB, ${row.updates.toFixed(2)} updates / ` +
      `${row.bytes.toFixed(0)} B per edit per receiver` +
      `${row.missing ? `, ${row.missing} receipts missing` : ''} (load ${load})`,
  )
  return row
}

const subjects: Subject[] = [
  'relay',
  'stock',
  ...(BASE_ROOT ? ['relay (base)' as const] : []),
  ...(process.env.EMBEDDED ? ['relay+org' as const] : []),
]
const rows = new Map<string, Row[]>()
for (const n of SIZES) {
  for (let round = 0; round < ROUNDS; round++) {
    for (const subject of subjects) {
      const key = `${n}\t${subject}`
      rows.set(key, [...(rows.get(key) ?? []), await once(subject, n)])
    }
  }
}
await org.stop()

const LABEL: Record<Subject, string> = {
  relay: 'relay (npm start, separate org)',
  'relay+org': 'relay + embedded org (npm start)',
  stock: '@y/websocket-server 0.1.1',
  'relay (base)': `relay built at BASE_ROOT (${BASE_ROOT ?? ''})`,
}
console.log(
  `\n${ROUNDS} rounds (A B alternating, fresh server each), ${MEASURE_MS / 1000} s measured, ` +
    `1 edit/s/client; median (min–max) over rounds\n`,
)
console.log(
  '| clients | server | p50 ms | p99 ms | CPU ms/edit | peak RSS MB | updates/edit/receiver | bytes/edit/receiver | load (1/5/15 min) |',
)
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
for (const [key, rs] of rows) {
  const [n, subject] = key.split('\t') as [string, Subject]
  const loads = rs.map((r) => r.load.split(' ')[0]).join(', ')
  console.log(
    `| ${n} | ${LABEL[subject]} | ${formatSpread(rs.map((r) => r.p50))} | ${formatSpread(rs.map((r) => r.p99))} | ` +
      `${formatSpread(
        rs.map((r) => r.cpuPerEdit),
        2,
      )} | ${formatSpread(
        rs.map((r) => r.peakRss),
        0,
      )} | ` +
      `${formatSpread(
        rs.map((r) => r.updates),
        2,
      )} | ${formatSpread(
        rs.map((r) => r.bytes),
        0,
      )} | ${loads} |`,
  )
}
for (const n of SIZES) {
  for (const subject of subjects.filter((x) => x !== 'stock')) {
    const ratio = (f: (r: Row) => number): string => {
      const a = rows.get(`${n}\t${subject}`)?.map(f) ?? []
      const b = rows.get(`${n}\tstock`)?.map(f) ?? []
      return formatSpread(
        a.map((x, i) => x / (b[i] as number)),
        2,
      )
    }
    console.log(
      `${n} clients, ${subject} ÷ stock per round, median (min–max): p50 ${ratio((r) => r.p50)}×, ` +
        `p99 ${ratio((r) => r.p99)}×, CPU/edit ${ratio((r) => r.cpuPerEdit)}×, ` +
        `peak RSS ${ratio((r) => r.peakRss)}×`,
    )
  }
}
process.exit(0)
