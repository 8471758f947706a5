/**
 * Durable ingest rate: device updates per second the relay checks, applies and commits, the relay
 * in a process of its own as `npm start` runs it (bench/servers.ts: separate org, projection on,
 * fresh SQLite data directory each round), the load here.
 * - live: 50 devices, each on its own record, send 200 single-field edits each (made beforehand)
 *   as y-websocket update frames on raw sockets, as fast as the sockets take them; timed until each
 *   socket's closing sync step 1 is answered (the relay answers it only after every earlier update
 *   of that socket is committed: in the WAL). `@y/websocket-server` 0.1.1 takes the same frames, in
 *   memory only (not durable), as the reference; rounds alternate relay, stock.
 * - bulk: one device sends one edit to each of 2,000 records in one request; counted when the
 *   answer arrives (fsynced before the answer; the device's own encoding and decoding included),
 *   each request sent once the relay is idle (the previous run's projection to Salesforce done).
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-ingest.ts
 * Environment: ROUNDS (5), DEVICES (50), EDITS (200), LIVE=0 skips the live part, BULK=0 the
 * bulk part, BULK_RUNS (3) bulk requests per relay, BASE_ROOT=<a built checkout> adds its relay
 * (before and after in one run; bulk: the two relays' requests alternate).
 */
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import { Device, updateFrame } from '../tests/relay/device.js'
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
const DEVICES = Number(process.env.DEVICES ?? 50)
const EDITS = Number(process.env.EDITS ?? 200)
const BULK_DOCS = 2000
const BULK_RUNS = Number(process.env.BULK_RUNS ?? 3)

/** y-protocols sync step 1 with an empty state vector (asks for everything; answered in order). */
function step1(): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint8Array(e, new Uint8Array([0]))
  return encoding.toUint8Array(e)
}

interface Load {
  names: string[]
  /** Per device: its document's state, then its edits, as update frames. */
  base: Uint8Array[]
  frames: Uint8Array[][]
}

async function socket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url)
  ws.binaryType = 'arraybuffer'
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return ws
}

/** Resolves on the socket's next sync step 2 (the answer to our step 1). */
function answered(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const on = (data: ArrayBuffer): void => {
      const b = new Uint8Array(data)
      if (b[0] !== 0 || b[1] !== 1) return
      ws.off('message', on)
      resolve()
    }
    ws.on('message', on)
  })
}

/** Sends every frame, interleaving the sockets; resolves when every socket's marker is answered. */
async function send(sockets: WebSocket[], frames: Uint8Array[][]): Promise<number> {
  const done = Promise.all(sockets.map(answered))
  const start = performance.now()
  for (let k = 0; k < EDITS; k++) {
    for (let i = 0; i < sockets.length; i++) sockets[i]?.send(frames[i]?.[k] as Uint8Array)
  }
  for (const ws of sockets) ws.send(step1())
  await done
  return performance.now() - start
}

interface Result {
  rate: number
  cpuPerUpdate: number
  load: string
}

async function measure(server: ServerProcess, sockets: WebSocket[], frames: Uint8Array[][]) {
  const load = loadAverage()
  const cpu = server.stats().cpuMs
  const ms = await send(sockets, frames)
  const used = server.stats().cpuMs - cpu
  for (const ws of sockets) ws.close()
  const n = DEVICES * EDITS
  return { rate: (n / ms) * 1000, cpuPerUpdate: used / n, load }
}

async function relayRound(
  orgUrl: string,
  port: number,
  names: string[],
  root?: string,
): Promise<[Result, Load]> {
  const relay = await startRelay({ port, orgUrl, ...(root ? { root } : {}) })
  const sockets: WebSocket[] = []
  const load: Load = { names, base: [], frames: [] }
  for (let i = 0; i < DEVICES; i++) {
    const d = await Device.signIn(relay.url, 'manager', `ingest-${i}`)
    const name = names[i] as string
    await d.bulk([name])
    const doc = await d.open(name)
    load.base.push(updateFrame(doc.encodeState()))
    const mine: Uint8Array[] = []
    const off = doc.engineDoc.onChange((payload) => mine.push(updateFrame(payload)))
    for (let k = 0; k < EDITS; k++) doc.set('Website', `https://e${k}.example`)
    off()
    load.frames.push(mine)
    sockets.push(
      await socket(`${relay.url.replace(/^http/, 'ws')}/sync/live/${name}?token=${d.token}`),
    )
  }
  const r = await measure(relay, sockets, load.frames)
  await relay.stop()
  return [r, load]
}

async function stockRound(load: Load): Promise<Result> {
  const stock = await startStock({ port: await freePort() })
  const sockets = await Promise.all(
    load.names
      .slice(0, DEVICES)
      .map((name) => socket(`${stock.url.replace(/^http/, 'ws')}/${name}`)),
  )
  // The documents' starting state first, untimed, so that the edits apply as they do on the relay.
  const ready = Promise.all(sockets.map(answered))
  sockets.forEach((ws, i) => {
    ws.send(load.base[i] as Uint8Array)
    ws.send(step1())
  })
  await ready
  const r = await measure(stock, sockets, load.frames)
  await stock.stop()
  return r
}

process.setMaxListeners(0)
buildOnce()
const relayPort = await freePort()
/** The port of BASE_ROOT's relay while both run (bulk part). */
const basePort = await freePort()
const org = await startOrg({
  port: await freePort(),
  accounts: BULK_DOCS,
  redirectUri: [relayPort, basePort].map((p) => `http://127.0.0.1:${p}/auth/callback`),
})
const snapshot = (await (await fetch(`${org.url}/__org/snapshot`)).json()) as {
  Account: { Id: string }[]
}
const names = snapshot.Account.map((a) => `Account/${a.Id}`)
/** Another built checkout whose relay runs beside this one's (before and after in one run). */
const BASE_ROOT = process.env.BASE_ROOT
const live: { relay: Result[]; stock: Result[]; base: Result[] } = {
  relay: [],
  stock: [],
  base: [],
}
const LIVE_ROUNDS = process.env.LIVE === '0' ? 0 : ROUNDS
for (let round = 0; round < LIVE_ROUNDS; round++) {
  const [r, load] = await relayRound(org.url, relayPort, names)
  live.relay.push(r)
  const s = await stockRound(load)
  live.stock.push(s)
  if (BASE_ROOT) {
    const [b] = await relayRound(org.url, relayPort, names, BASE_ROOT)
    live.base.push(b)
    console.log(`round ${round + 1}: base relay ${b.rate.toFixed(0)} updates/s (load ${b.load})`)
  }
  console.log(
    `round ${round + 1}: relay ${r.rate.toFixed(0)} updates/s (${(r.cpuPerUpdate * 1000).toFixed(0)} µs CPU each, load ${r.load}); ` +
      `stock ${s.rate.toFixed(0)} updates/s (${(s.cpuPerUpdate * 1000).toFixed(0)} µs, load ${s.load})`,
  )
}

/** One relay's bulk runs: rates, and the relay's CPU per update. */
interface BulkSide {
  label: string
  rates: number[]
  cpu: number[]
  /** The device's CPU (this process: encoding the request, applying the answers) per update, µs. */
  device: number[]
  loads: string[]
}

/** A relay signed in by one device holding all `BULK_DOCS` documents. */
async function bulkRelay(port: number, root?: string) {
  const relay = await startRelay({ port, orgUrl: org.url, ...(root ? { root } : {}) })
  const device = await Device.signIn(relay.url, 'manager', 'ingest-bulk')
  await device.bulk(names.slice(0, BULK_DOCS))
  return { relay, device }
}

/**
 * Waits until the relay is idle (under 5 % of a core over 500 ms; at most 60 s): the projection
 * of the previous run's edits to Salesforce is done, and not counted in this one.
 */
async function idle(relay: ServerProcess): Promise<void> {
  const until = performance.now() + 60_000
  while (performance.now() < until) {
    const cpu = relay.stats().cpuMs
    await new Promise((resolve) => setTimeout(resolve, 500))
    if (relay.stats().cpuMs - cpu < 25) return
  }
}

/** One bulk run: an edit to each document, then one request, timed until its answer. */
async function bulkRun(side: BulkSide, relay: ServerProcess, device: Device, run: number) {
  for (const name of names.slice(0, BULK_DOCS))
    (await device.open(name)).set('Phone', `41555${run}0199`)
  await idle(relay)
  const load = loadAverage()
  const cpu = relay.stats().cpuMs
  const own = process.cpuUsage()
  const s = performance.now()
  const answers = await device.bulk()
  const ms = performance.now() - s
  const used = relay.stats().cpuMs - cpu
  const mine = process.cpuUsage(own)
  if (answers.some((a) => !a.ok)) throw new Error('bulk refused')
  side.rates.push((BULK_DOCS / ms) * 1000)
  side.cpu.push((used / BULK_DOCS) * 1000)
  side.device.push((mine.user + mine.system) / BULK_DOCS)
  side.loads.push(load.split(' ')[0] as string)
  console.log(
    `bulk ${side.label}: ${BULK_DOCS} updates in one request, acknowledged (fsynced) in ${ms.toFixed(0)} ms, relay CPU ${used.toFixed(0)} ms, device CPU ${((mine.user + mine.system) / 1000).toFixed(0)} ms, ${device.lastBulkBytes.sent} bytes sent, ${device.lastBulkBytes.received} received (load ${load})`,
  )
}

const bulkSides: BulkSide[] = []
if (process.env.BULK !== '0') {
  const sides = [{ root: undefined as string | undefined, label: 'relay', port: relayPort }]
  if (BASE_ROOT)
    sides.push({ root: BASE_ROOT, label: `relay built at ${BASE_ROOT}`, port: basePort })
  const running = []
  for (const side of sides) {
    running.push(await bulkRelay(side.port, side.root))
    bulkSides.push({ label: side.label, rates: [], cpu: [], device: [], loads: [] })
  }
  for (let run = 0; run < BULK_RUNS; run++) {
    for (let i = 0; i < running.length; i++) {
      const { relay, device } = running[i] as (typeof running)[number]
      await bulkRun(bulkSides[i] as BulkSide, relay, device, run)
    }
  }
  for (const { relay } of running) await relay.stop()
}
await org.stop()

const rate = (rs: Result[]): string =>
  formatSpread(
    rs.map((r) => r.rate),
    0,
  )
const cpu = (rs: Result[]): string =>
  formatSpread(
    rs.map((r) => r.cpuPerUpdate * 1000),
    0,
  )
const HEADER =
  '| path | server | updates/s | server CPU µs/update | load (1 min) |\n| --- | --- | --- | --- | --- |'
if (LIVE_ROUNDS > 0) {
  console.log(`\n${LIVE_ROUNDS} rounds, median (min–max); ${DEVICES} devices × ${EDITS} edits\n`)
  console.log(HEADER)
  console.log(
    `| live | relay (durable: in the WAL) | ${rate(live.relay)} | ${cpu(live.relay)} | ${live.relay.map((r) => r.load.split(' ')[0]).join(', ')} |`,
  )
  console.log(
    `| live | @y/websocket-server 0.1.1 (memory) | ${rate(live.stock)} | ${cpu(live.stock)} | ${live.stock.map((r) => r.load.split(' ')[0]).join(', ')} |`,
  )
  if (BASE_ROOT)
    console.log(
      `| live | relay built at ${BASE_ROOT} | ${rate(live.base)} | ${cpu(live.base)} | ${live.base.map((r) => r.load.split(' ')[0]).join(', ')} |`,
    )
}
if (bulkSides.length > 0 && LIVE_ROUNDS === 0) console.log(HEADER)
for (const side of bulkSides)
  console.log(
    `| bulk (${BULK_DOCS} updates per request, ${BULK_RUNS} runs) | ${side.label} (fsynced) | ${formatSpread(side.rates, 0)} | ${formatSpread(side.cpu, 0)} (device: ${formatSpread(side.device, 0)}) | ${side.loads.join(', ')} |`,
  )
process.exit(0)
