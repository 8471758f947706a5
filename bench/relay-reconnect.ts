/**
 * Reconnect of a device holding 2,000 / 10,000 / 50,000 cached Accounts, through the real
 * `@briefcase/client`, against the relay as `apps/server` runs it (its own process, projector and
 * puller on) and the org emulator (its own process). The device (`DEVICE`, default `chromium`;
 * `reconnect-device.ts`): the client in headless Chromium with the browser's IndexedDB, on a page
 * the relay serves, over HTTP and WebSocket on loopback (`reconnect-chromium.ts`), or in this
 * Node process on fake-indexeddb (`node`, `reconnect-node.ts`); `DEVICE=chromium,node` runs both,
 * alternating in each round. Each round: a fresh relay data directory and a fresh device, signed
 * in through the relay's and the org's sign-in; first fill of the cache (offline preference = a
 * briefcase filter selecting the N Accounts: cache plan + bulk sync, progress events timed); the
 * device goes offline and edits 10 % of the records; 5 % others change in the org (REST,
 * sObject Collections) and the relay's puller merges them (change events); the device comes back
 * and syncs (`client.sync()`, what it does on reconnect). Reported: round trips (bulk-sync
 * requests of the device), wall time, the device's CPU seconds, relay CPU seconds and peak RSS
 * (/proc), for the fill and the reconnect.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-reconnect.ts
 * Options: SIZES=2000,10000,50000 ROUNDS=3 ROUNDS_50000=1 DEVICE=chromium|node|chromium,node
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ServerProcess } from './processes.js'
import {
  cpuSeconds,
  freePort,
  peakRss,
  resetPeakRss,
  spread,
  startOrg,
  startRelay,
} from './processes.js'
import { buildDevicePage, chromiumDevice } from './reconnect-chromium.js'
import type {
  BenchDevice,
  DeviceCpu,
  DeviceFactory,
  DeviceFill,
  DeviceSync,
} from './reconnect-device.js'
import { USER, until } from './reconnect-device.js'
import { nodeDevice } from './reconnect-node.js'

const SIZES = (process.env.SIZES ?? '2000,10000,50000').split(',').map(Number)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const DEVICES = (process.env.DEVICE ?? 'chromium').split(',')
const FILTER = 'bench-accounts'

/** A device kind: how it starts, and what the relay needs for it (the page it serves). */
interface DeviceKind {
  name: string
  start: DeviceFactory
  relayArgs: readonly string[]
}

interface Relayed {
  cpu: number
  rss: number
}
interface Round {
  fill: DeviceFill & Relayed & { firstProgressMs: number }
  reconnect: DeviceSync & Relayed & { received: number }
}

const mb = (b: number): number => b / 1024 / 1024
/** The 1-minute load average (`/proc/loadavg`, what `uptime` prints). */
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?'
/** Chromium's processes shown apart in the table (the rest summed as `other`). */
const SHOWN = ['renderer', 'browser'] as const
const stored = ({ storedBytes }: DeviceFill): string =>
  storedBytes === undefined ? '—' : `${mb(storedBytes).toFixed(1)} MB`
const cpuText = ({ deviceCpu, processes }: DeviceCpu): string => {
  const parts = Object.entries(processes)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, s]) => `${kind} ${s.toFixed(2)}`)
  return deviceCpu.toFixed(2) + (parts.length > 0 ? ` (${parts.join(', ')})` : '')
}

/** The relay's store transactions (each change event's documents should share few). */
const COMMITS = 'briefcase_store_commits_total{durability="written"}'

async function metric(relay: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${relay.url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line ? Number(line.split(' ')[1]) : 0
}

/** Changes `ids`' Website in the org as the manager (sObject Collections, 200 a call). */
async function changeInOrg(orgUrl: string, ids: readonly string[], value: string): Promise<void> {
  const token = (await (
    await fetch(`${orgUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'briefcase-relay',
        client_secret: 'briefcase-relay-secret',
        ...USER,
      }),
    })
  ).json()) as { access_token: string; instance_url: string }
  for (let i = 0; i < ids.length; i += 200) {
    const records = ids.slice(i, i + 200).map((id) => ({
      attributes: { type: 'Account' },
      id,
      Website: value,
    }))
    const res = await fetch(`${token.instance_url}/services/data/v62.0/composite/sobjects`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${token.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ allOrNone: true, records }),
    })
    if (!res.ok) throw new Error(`org PATCH ${res.status}: ${await res.text()}`)
  }
}

/**
 * Changes `changed` in the org and waits for the relay to merge them; prints how long that took
 * and in how many store transactions. Should the relay not merge them in PULL_WAIT_MS (60 s), the
 * changes are made again, with a new value, up to three times (until 0776d9b/d30a77a a first fill
 * longer than the org's 40 s CometD client timeout lost the first ones). Returns the last value
 * written.
 */
async function changeAndPull(
  relay: ServerProcess,
  orgUrl: string,
  changed: readonly string[],
  name: string,
): Promise<string> {
  let website = ''
  for (let attempt = 0; attempt < 3; attempt++) {
    website = `https://changed-${name}-${attempt}.example`
    const pulledBefore = await metric(relay, 'briefcase_pull_merged_records_total')
    const commitsBefore = await metric(relay, COMMITS)
    const started = Date.now()
    await changeInOrg(
      orgUrl,
      changed.map((d) => d.split('/')[1] as string),
      website,
    )
    const pulled = await until(
      async () =>
        (await metric(relay, 'briefcase_pull_merged_records_total')) - pulledBefore >=
        changed.length,
      'the relay to pull the org changes',
      Number(process.env.PULL_WAIT_MS ?? 60_000),
    ).then(
      () => true,
      (error: unknown) => (console.warn(String(error)), false),
    )
    const merged = (await metric(relay, 'briefcase_pull_merged_records_total')) - pulledBefore
    console.log(
      `${name}: ${changed.length} org changes, attempt ${attempt + 1}: ${merged} merged by the ` +
        `relay ${((Date.now() - started) / 1000).toFixed(1)} s after the first request ` +
        `(${(await metric(relay, COMMITS)) - commitsBefore} store transactions)`,
    )
    if (pulled) break
  }
  return website
}

/** Runs `step`, with the relay's CPU seconds and peak RSS over it. */
async function relayed<T>(relay: ServerProcess, step: () => Promise<T>): Promise<T & Relayed> {
  const pid = relay.child.pid as number
  resetPeakRss(pid)
  const cpu = cpuSeconds(pid)
  const result = await step()
  return { ...result, cpu: cpuSeconds(pid) - cpu, rss: peakRss(pid) }
}

async function round(
  kind: DeviceKind,
  size: number,
  r: number,
  orgUrl: string,
  port: number,
  filters: string,
): Promise<Round> {
  const name = `${kind.name}-${size}-${r}`
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-reconnect-'))
  const relay = await startRelay({
    port,
    orgUrl,
    dataDir,
    args: ['--briefcase-filters', filters, ...kind.relayArgs],
  })
  let device: BenchDevice | undefined
  try {
    device = await kind.start(relay.url, `bench-${name}`)
    const d = device

    // First fill: the offline preference selects the N Accounts; the client refreshes.
    const filled = await relayed(relay, () => d.fill(`briefcase:${FILTER}`, `fill-${name}`))
    const fill = { ...filled, firstProgressMs: filled.progress[0] ?? filled.ms }
    if (fill.docs.length !== size || fill.failed > 0)
      throw new Error(`fill: ${fill.docs.length} cached, ${fill.failed} failed`)
    // Reported now: a later failure of the reconnect part leaves the fill's figures.
    console.log(
      `${size} ${kind.name} round ${r + 1}: fill ${fill.ms.toFixed(0)} ms (plan ` +
        `${fill.planMs.toFixed(0)} ms, first progress ${fill.firstProgressMs.toFixed(0)} ms, ` +
        `${fill.progress.length} progress events; device ${cpuText(fill)} s CPU, ` +
        `${stored(fill)} stored; relay ` +
        `${fill.cpu.toFixed(1)} s CPU, ${mb(fill.rss).toFixed(0)} MB peak; load ${loadAverage()})`,
    )

    // Offline: 10 % edited on the device; 5 % changed in the org and pulled by the relay.
    await device.editOffline(fill.docs.slice(0, size / 10), `+1 555 ${r}`)
    const changed = fill.docs.slice(size - size / 20)
    const website = await changeAndPull(relay, orgUrl, changed, name)

    // Reconnect.
    await device.goOnline()
    const reconnect = await relayed(relay, () => d.sync(`reconnect-${name}`))
    if (reconnect.failed > 0) throw new Error(`reconnect: ${reconnect.failed} failed`)
    const { received, unsent } = await device.check(changed, website)
    if (unsent > 0) throw new Error(`reconnect: ${unsent} edits not on the relay`)
    if (received !== changed.length)
      console.warn(`reconnect carried ${received} of the ${changed.length} org changes`)
    return { fill, reconnect: { ...reconnect, received } }
  } finally {
    await device?.close()
    await relay.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function report(size: number, kind: string, r: number, { fill: f, reconnect: c }: Round): void {
  console.log(
    `${size} ${kind} round ${r + 1}: fill ${f.ms.toFixed(0)} ms (plan ${f.planMs.toFixed(0)} ms, ` +
      `${f.trips} bulk requests, first progress ${f.firstProgressMs.toFixed(0)} ms, ` +
      `${f.progress.length} progress events; relay ${f.cpu.toFixed(1)} s CPU, ` +
      `${mb(f.rss).toFixed(0)} MB peak); reconnect ${c.ms.toFixed(0)} ms, ${c.trips} round trips ` +
      `(+${c.otherRequests} other requests), device ${cpuText(c)} s CPU, relay ` +
      `${c.cpu.toFixed(2)} s CPU, ${mb(c.rss).toFixed(0)} MB peak, ${c.received} org changes ` +
      `received; load ${loadAverage()}`,
  )
}

function row(size: number, kind: string, results: readonly Round[]): string {
  const pick = (f: (x: Round) => number, d = 0): string => spread(results.map(f), d)
  const apart = (f: (x: Round) => DeviceCpu): string =>
    results.some((x) => Object.keys(f(x).processes).length === 0)
      ? '—'
      : [
          ...SHOWN.map((kind) => pick((x) => f(x).processes[kind] ?? 0, 2)),
          pick((x) => f(x).deviceCpu - SHOWN.reduce((s, k) => s + (f(x).processes[k] ?? 0), 0), 2),
        ].join(' / ')
  return (
    `| ${size.toLocaleString('en')} | ${kind} | ${results.length} | ` +
    `${pick((x) => x.reconnect.trips)} | ${pick((x) => x.reconnect.ms)} | ` +
    `${pick((x) => x.reconnect.deviceCpu, 2)} | ${apart((x) => x.reconnect)} | ` +
    `${pick((x) => x.reconnect.cpu, 2)} | ${pick((x) => mb(x.reconnect.rss))} | ` +
    `${pick((x) => x.fill.ms)} | ${pick((x) => x.fill.trips)} | ${pick((x) => x.fill.planMs)} | ` +
    `${pick((x) => x.fill.firstProgressMs)} | ${pick((x) => x.fill.deviceCpu, 1)} | ` +
    `${pick((x) => x.fill.cpu, 1)} | ${pick((x) => mb(x.fill.rss))} | ` +
    `${results.some((x) => x.fill.storedBytes === undefined) ? '—' : pick((x) => mb(x.fill.storedBytes ?? 0), 1)} |`
  )
}

const page = DEVICES.includes('chromium') ? await buildDevicePage() : undefined
const kinds: DeviceKind[] = DEVICES.map((name) => {
  if (name === 'node') return { name, start: nodeDevice, relayArgs: [] }
  if (name === 'chromium' && page)
    return { name, start: chromiumDevice, relayArgs: ['--static-root', page] }
  throw new Error(`DEVICE: unknown device ${name} (chromium or node)`)
})

const lines: string[] = []
try {
  for (const size of SIZES) {
    const rounds = Number(process.env[`ROUNDS_${size}`] ?? ROUNDS)
    const ports = await Promise.all(Array.from({ length: rounds * kinds.length }, () => freePort()))
    const org = await startOrg(
      size,
      ports.map((p) => `http://127.0.0.1:${p}/auth/callback`),
    )
    const filtersDir = mkdtempSync(join(tmpdir(), 'bench-filters-'))
    const filters = join(filtersDir, 'filters.json')
    writeFileSync(
      filters,
      JSON.stringify([
        {
          id: FILTER,
          label: 'Bench Accounts',
          sobject: 'Account',
          where: 'Name != null',
          limit: size,
        },
      ]),
    )
    const results = new Map<string, Round[]>(kinds.map((k) => [k.name, []]))
    try {
      // Devices alternate within each round (A B A B), so each pair shares the machine's load.
      for (let r = 0; r < rounds; r++) {
        for (const [k, kind] of kinds.entries()) {
          const port = ports[r * kinds.length + k] as number
          const res = await round(kind, size, r, org.url, port, filters)
          results.get(kind.name)?.push(res)
          report(size, kind.name, r, res)
        }
      }
    } finally {
      await org.stop()
      rmSync(filtersDir, { recursive: true, force: true })
    }
    for (const [kind, rs] of results) lines.push(row(size, kind, rs))
  }
} finally {
  if (page) rmSync(page, { recursive: true, force: true })
}
console.log(
  '\n| cached records | device | rounds | reconnect round trips | reconnect wall (ms) | ' +
    'device CPU (s) | of which renderer / browser / other Chromium processes (s) | relay CPU (s) | relay peak RSS (MB) | first fill (ms) | ' +
    'fill bulk requests | fill: plan until bulk request (ms) | first progress (ms) | ' +
    'fill device CPU (s) | fill relay CPU (s) | fill relay peak RSS (MB) | device storage after fill (MB) |',
)
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for (const l of lines) console.log(l)
