/**
 * Start-up time and idle memory: the relay as `npm start` runs it (`node apps/server/dist/main.js`;
 * against a separately started org, and with the org embedded) against `@y/websocket-server` 0.1.1
 * (`npx y-websocket`), each in a process of its own. Start-up: spawn until the server has served a
 * sync. The relay: an authenticated bulk sync (`POST /sync/bulk`, a signed-in device's session, no
 * document) answered 200 with a bulk response, so its routes, session check and store are up (a 503
 * while it starts, or any other answer, does not count). Each relay starts on a fresh copy of a data
 * directory where that device signed in, untimed, before the rounds (a session and a refresh token,
 * no document). The stock server: a WebSocket on a document open and its first sync message (sync
 * step 1) received. Idle: RSS after `IDLE_S` seconds with no client. Rounds alternate the servers.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-startup.ts
 * Environment: ROUNDS (5), IDLE_S (5), BASE_ROOT=<a built checkout> adds its relay (before and
 * after in one run).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeBulkResponse, encodeBulkRequest } from '@briefcase/protocol'
import { signInDevice } from '@briefcase/relay/testing'
import WebSocket from 'ws'
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
const IDLE_MS = Number(process.env.IDLE_S ?? 5) * 1000

type Subject = 'relay' | 'relay+org' | 'stock' | 'relay (base)'
/** Another built checkout whose relay runs beside this one's (before and after in one run). */
const BASE_ROOT = process.env.BASE_ROOT

interface Row {
  readyMs: number
  /** The server's CPU time (user + system) until then. */
  readyCpuMs: number
  idleRss: number
  load: string
}

/** A data directory a device signed in to, and the device's session. */
interface SignedIn {
  dir: string
  token: string
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Until the relay answers an authenticated bulk sync with 200 and a bulk response. */
async function relaySynced(url: string, token: string): Promise<void> {
  for (;;) {
    let res: Response
    try {
      res = await fetch(`${url}/sync/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: encodeBulkRequest([]) as Uint8Array<ArrayBuffer>,
      })
    } catch {
      await pause(5)
      continue
    }
    const body = new Uint8Array(await res.arrayBuffer())
    if (res.status === 200) {
      decodeBulkResponse(body)
      return
    }
    if (res.status !== 503)
      throw new Error(`the relay answered a sync ${res.status}: ${new TextDecoder().decode(body)}`)
    await pause(5)
  }
}

/** Until a WebSocket on a document of the stock server is open and its first message came. */
async function stockSynced(url: string): Promise<void> {
  for (;;) {
    const synced = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/bench-startup`)
      ws.once('message', () => {
        ws.terminate()
        resolve(true)
      })
      ws.once('error', () => resolve(false))
    })
    if (synced) return
    await pause(5)
  }
}

/** Starts a relay once (untimed), signs a device in, stops it: the data directory it leaves. */
async function signInOnce(port: number, orgUrl: string | undefined): Promise<SignedIn> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-data-'))
  const server = await startRelay({ port, dataDir: dir, ...(orgUrl ? { orgUrl } : {}) })
  const token = await signInDevice({
    relayUrl: server.url,
    username: 'rep1@briefcase.test',
    password: 'rep1-password',
    device: 'bench-startup',
  })
  await server.stop()
  return { dir, token }
}

async function once(
  subject: Subject,
  relayPort: number,
  orgUrl: string,
  data: Record<'relay' | 'relay+org', SignedIn>,
): Promise<Row> {
  const load = loadAverage()
  const signedIn = subject === 'relay+org' ? data['relay+org'] : data.relay
  // The copy is made before the clock starts.
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'))
  if (subject !== 'stock') cpSync(signedIn.dir, dir, { recursive: true })
  const spawnedAt = performance.now()
  const server =
    subject === 'stock'
      ? await startStock({ port: await freePort() })
      : await startRelay({
          port: subject === 'relay+org' ? await freePort() : relayPort,
          dataDir: dir,
          ...(subject === 'relay+org' ? {} : { orgUrl }),
          ...(subject === 'relay (base)' && BASE_ROOT ? { root: BASE_ROOT } : {}),
        })
  if (subject === 'stock') await stockSynced(server.url)
  else await relaySynced(server.url, signedIn.token)
  const readyMs = performance.now() - spawnedAt
  const readyCpuMs = server.stats().cpuMs
  await pause(IDLE_MS)
  const idleRss = server.stats().rssMb
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
  const row = { readyMs, readyCpuMs, idleRss, load }
  console.log(
    `${subject.padEnd(12)} synced in ${readyMs.toFixed(0)} ms (${readyCpuMs.toFixed(0)} ms CPU), idle RSS ${idleRss.toFixed(1)} MB (load ${load})`,
  )
  return row
}

buildOnce()
const relayPort = await freePort()
const org = await startOrg({
  port: await freePort(),
  redirectUri: `http://127.0.0.1:${relayPort}/auth/callback`,
})
const data = {
  relay: await signInOnce(relayPort, org.url),
  'relay+org': await signInOnce(await freePort(), undefined),
}
const subjects: Subject[] = [
  'relay',
  'stock',
  'relay+org',
  ...(BASE_ROOT ? ['relay (base)' as const] : []),
]
const rows = new Map<Subject, Row[]>()
for (let round = 0; round < ROUNDS; round++) {
  for (const s of subjects)
    rows.set(s, [...(rows.get(s) ?? []), await once(s, relayPort, org.url, data)])
}
await org.stop()
for (const d of Object.values(data)) rmSync(d.dir, { recursive: true, force: true })
const LABEL: Record<Subject, string> = {
  relay: 'relay (npm start, separate org)',
  'relay+org': 'relay + embedded org (npm start)',
  stock: '@y/websocket-server 0.1.1',
  'relay (base)': `relay built at ${BASE_ROOT ?? ''}`,
}
console.log(
  `\n${ROUNDS} rounds, median (min–max); start-up: spawn until a sync is served; idle RSS after ${IDLE_MS / 1000} s\n`,
)
console.log(
  '| server | start-up ms | CPU ms until then | idle RSS MB | load (1 min) |\n| --- | --- | --- | --- | --- |',
)
for (const [s, rs] of rows) {
  console.log(
    `| ${LABEL[s]} | ${formatSpread(
      rs.map((r) => r.readyMs),
      0,
    )} | ${formatSpread(
      rs.map((r) => r.readyCpuMs),
      0,
    )} | ${formatSpread(
      rs.map((r) => r.idleRss),
      1,
    )} | ${rs.map((r) => r.load.split(' ')[0]).join(', ')} |`,
  )
}
const ratio = (f: (r: Row) => number): string => {
  const a = rows.get('relay') ?? []
  const b = rows.get('stock') ?? []
  return formatSpread(
    a.map((r, i) => f(r) / f(b[i] as Row)),
    2,
  )
}
console.log(
  `\nrelay ÷ stock per round: start-up ${ratio((r) => r.readyMs)}×, its CPU time ${ratio((r) => r.readyCpuMs)}×, idle RSS ${ratio((r) => r.idleRss)}×`,
)
process.exit(0)
