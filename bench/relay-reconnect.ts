/**
 * Reconnect of a device holding 2,000 / 10,000 / 50,000 cached Accounts, through the real
 * `@briefcase/client` (its own IndexedDB: fake-indexeddb in Node, as the client's tests use),
 * against the relay as `apps/server` runs it (its own process, projector and puller on) and the
 * org emulator (its own process); this process is the device. Each round: a fresh relay data
 * directory and a fresh device; first fill of the cache (offline preference = a briefcase filter
 * selecting the N Accounts: cache plan + bulk sync, progress events timed); the device goes
 * offline and edits 10 % of the records; 5 % others change in the org (REST, sObject
 * Collections) and the relay's puller merges them (change events); the device comes back and
 * syncs (`client.sync()`, what it does on reconnect). Reported: round trips (HTTP requests the
 * client made), wall time, relay CPU seconds and peak RSS (/proc), for the fill and the reconnect;
 * for the reconnect also the device's CPU seconds (this process: user + system).
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-reconnect.ts
 * Options: SIZES=2000,10000,50000 ROUNDS=3 ROUNDS_50000=1
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BriefcaseClient, WebSocketConstructor } from '@briefcase/client'
import { createBriefcaseClient } from '@briefcase/client'
import { signInDevice } from '@briefcase/relay/testing'
import { IDBFactory } from 'fake-indexeddb'
import WebSocket from 'ws'
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

const SIZES = (process.env.SIZES ?? '2000,10000,50000').split(',').map(Number)
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const USER = { username: 'manager@briefcase.test', password: 'manager-password' }
const FILTER = 'bench-accounts'

interface Phase {
  ms: number
  trips: number
  cpu: number
  rss: number
}
interface Round {
  /** `planMs`: until the bulk sync's request started (cache plan, schemas, index written). */
  fill: Phase & { firstProgressMs: number; progressEvents: number; planMs: number }
  reconnect: Phase & { received: number; otherRequests: number; deviceCpu: number }
}

/**
 * The client's fetch, counting its bulk-sync requests (round trips; other calls apart) and noting
 * when the last one started (`performance.now()`).
 */
function countingFetch(): {
  fetch: typeof fetch
  count: () => number
  other: () => number
  lastBulkAt: () => number
} {
  let bulk = 0
  let other = 0
  let lastBulkAt = 0
  return {
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      if (new URL(url).pathname.startsWith('/sync/bulk')) {
        bulk += 1
        lastBulkAt = performance.now()
      } else other += 1
      return fetch(input, init)
    },
    count: () => bulk,
    other: () => other,
    lastBulkAt: () => lastBulkAt,
  }
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`Timed out waiting for ${what}`)
}

/** With PROFILE=<dir>: a CPU profile of this process (the device) around a phase. */
async function startProfile(): Promise<{ stop: (name: string) => Promise<void> } | undefined> {
  const dir = process.env.PROFILE
  if (!dir) return undefined
  const session = new Session()
  session.connect()
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, (err, res) => (err ? reject(err) : resolve(res))),
    )
  await post('Profiler.enable')
  await post('Profiler.start')
  return {
    async stop(name) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown }
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile))
      session.disconnect()
    },
  }
}

const mb = (b: number): number => b / 1024 / 1024
/** The 1-minute load average (`/proc/loadavg`, what `uptime` prints). */
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?'

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

async function round(
  size: number,
  r: number,
  orgUrl: string,
  port: number,
  filters: string,
): Promise<Round> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-reconnect-'))
  const relay = await startRelay({
    port,
    orgUrl,
    dataDir,
    args: ['--briefcase-filters', filters],
  })
  const pid = relay.child.pid as number
  let client: BriefcaseClient | undefined
  try {
    const token = await signInDevice({ relayUrl: relay.url, ...USER, device: `bench-${size}-${r}` })
    const counter = countingFetch()
    client = createBriefcaseClient({
      relayUrl: relay.url,
      session: token,
      indexedDB: new IDBFactory(),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      environment: { BroadcastChannel: null, locks: null, events: null, document: null },
      fetch: counter.fetch,
      autoSync: false,
      timings: { requestTimeoutMs: 600_000 },
    })
    await client.ready
    const c = client
    await until(() => c.online, 'online', 30_000)

    // First fill: the offline preference selects the N Accounts; the client refreshes.
    const progress: number[] = []
    let t0 = 0
    client.addEventListener('refresh-progress', (e) => {
      if (e.done > 0) progress.push(performance.now() - t0)
    })
    resetPeakRss(pid)
    let cpu = cpuSeconds(pid)
    let trips = counter.count()
    t0 = performance.now()
    const filled = await client.savePreferences([`briefcase:${FILTER}`])
    const fillMs = performance.now() - t0
    const fill = {
      ms: fillMs,
      trips: counter.count() - trips,
      cpu: cpuSeconds(pid) - cpu,
      rss: peakRss(pid),
      firstProgressMs: progress[0] ?? fillMs,
      progressEvents: progress.length,
      planMs: counter.lastBulkAt() - t0,
    }
    const docs = (await client.listCache({ sobject: 'Account' })).map((e) => e.doc)
    if (docs.length !== size || filled.failed.length > 0)
      throw new Error(`fill: ${docs.length} cached, ${filled.failed.length} failed`)
    // Reported now: a later failure of the reconnect part leaves the fill's figures.
    console.log(
      `${size} round ${r + 1}: fill ${fill.ms.toFixed(0)} ms (plan ${fill.planMs.toFixed(0)} ms, ` +
        `first progress ${fill.firstProgressMs.toFixed(0)} ms, ${fill.progressEvents} progress ` +
        `events; relay ${fill.cpu.toFixed(1)} s CPU, ${mb(fill.rss).toFixed(0)} MB peak; load ` +
        `${loadAverage()})`,
    )

    // Offline: 10 % edited on the device; 5 % changed in the org and pulled by the relay.
    client.goOffline()
    const edited = docs.slice(0, size / 10)
    for (const doc of edited) {
      const handle = await client.open(doc)
      await handle.set('Phone', `+1 555 ${r}${String(edited.indexOf(doc)).padStart(6, '0')}`)
      await handle.close()
    }
    const changed = docs.slice(size - size / 20)
    // The relay merges them through change events. A relay whose change stream is not subscribed
    // yet misses them (it then reads nothing until its next resubscription): the changes are made
    // again, with a new value, up to three times, PULL_WAIT_MS (default 60 s) apart.
    let website = ''
    for (let attempt = 0; attempt < 3; attempt++) {
      website = `https://changed-${size}-${r}-${attempt}.example`
      const pulledBefore = await metric(relay, 'briefcase_pull_merged_records_total')
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
      if (pulled) break
    }

    // Reconnect.
    await client.goOnline()
    resetPeakRss(pid)
    cpu = cpuSeconds(pid)
    trips = counter.count()
    const others = counter.other()
    const t1 = performance.now()
    const deviceCpu = process.cpuUsage()
    const profile = await startProfile()
    const synced = await client.sync()
    await profile?.stop(`reconnect-${size}-${r}`)
    const spent = process.cpuUsage(deviceCpu)
    const reconnect = {
      ms: performance.now() - t1,
      deviceCpu: (spent.user + spent.system) / 1e6,
      trips: counter.count() - trips,
      cpu: cpuSeconds(pid) - cpu,
      rss: peakRss(pid),
      otherRequests: counter.other() - others,
    }
    if (synced.failed.length > 0) throw new Error(`reconnect: ${synced.failed.length} failed`)
    const entries = await client.listCache({ sobject: 'Account' })
    const unsent = entries.filter((e) => e.syncStatus === 'saved' || e.syncStatus === 'failed')
    let received = 0
    for (const doc of changed) {
      const handle = await client.open(doc)
      if (handle.get('Website') === website) received += 1
      await handle.close()
    }
    if (unsent.length > 0) throw new Error(`reconnect: ${unsent.length} edits not on the relay`)
    if (received !== changed.length)
      console.warn(`reconnect carried ${received} of the ${changed.length} org changes`)
    return { fill, reconnect: { ...reconnect, received } }
  } finally {
    await client?.close()
    await relay.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const lines: string[] = []
for (const size of SIZES) {
  const rounds = Number(process.env[`ROUNDS_${size}`] ?? ROUNDS)
  const ports = await Promise.all(Array.from({ length: rounds }, () => freePort()))
  const org = await startOrg(
    size,
    ports.map((p) => `http://127.0.0.1:${p}/auth/callback`),
  )
  const filters = join(mkdtempSync(join(tmpdir(), 'bench-filters-')), 'filters.json')
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
  const results: Round[] = []
  try {
    for (let r = 0; r < rounds; r++) {
      const res = await round(size, r, org.url, ports[r] as number, filters)
      results.push(res)
      const { fill: f, reconnect: c } = res
      console.log(
        `${size} round ${r + 1}: fill ${f.ms.toFixed(0)} ms (plan ${f.planMs.toFixed(0)} ms, ${f.trips} bulk requests, first progress ` +
          `${f.firstProgressMs.toFixed(0)} ms, ${f.progressEvents} progress events; relay ` +
          `${f.cpu.toFixed(1)} s CPU, ${mb(f.rss).toFixed(0)} MB peak); reconnect ` +
          `${c.ms.toFixed(0)} ms, ${c.trips} round trips (+${c.otherRequests} other requests), device ${c.deviceCpu.toFixed(2)} s CPU, relay ${c.cpu.toFixed(2)} s CPU, ` +
          `${mb(c.rss).toFixed(0)} MB peak, ${c.received} org changes received`,
      )
    }
  } finally {
    await org.stop()
  }
  const pick = (f: (x: Round) => number, d = 0): string => spread(results.map(f), d)
  lines.push(
    `| ${size.toLocaleString('en')} | ${rounds} | ${pick((x) => x.reconnect.trips)} | ` +
      `${pick((x) => x.reconnect.ms)} | ${pick((x) => x.reconnect.deviceCpu, 2)} | ${pick((x) => x.reconnect.cpu, 2)} | ` +
      `${pick((x) => mb(x.reconnect.rss))} | ${pick((x) => x.fill.ms)} | ` +
      `${pick((x) => x.fill.trips)} | ${pick((x) => x.fill.planMs)} | ${pick((x) => x.fill.firstProgressMs)} | ` +
      `${pick((x) => x.fill.cpu, 1)} | ${pick((x) => mb(x.fill.rss))} |`,
  )
}
console.log(
  '\n| cached records | rounds | reconnect round trips | reconnect wall (ms) | device CPU (s) | relay CPU (s) | ' +
    'relay peak RSS (MB) | first fill (ms) | fill bulk requests | fill: plan until bulk request (ms) | first progress (ms) | fill relay CPU (s) | fill relay peak RSS (MB) |',
)
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for (const l of lines) console.log(l)
