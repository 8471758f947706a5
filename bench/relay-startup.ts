/**
 * Start-up time and idle memory: the relay as `npm start` runs it (`node apps/server/dist/main.js`,
 * fresh data directory; against a separately started org, and with the org embedded) against
 * `@y/websocket-server` 0.1.1 (`npx y-websocket`), each in a process of its own. Start-up: spawn to
 * the first answered HTTP request; idle: RSS after `IDLE_S` seconds with no client. Rounds
 * alternate the servers.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-startup.ts
 * Environment: ROUNDS (5), IDLE_S (5), BASE_ROOT=<a built checkout> adds its relay (before and
 * after in one run).
 */
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
const IDLE_MS = Number(process.env.IDLE_S ?? 5) * 1000

type Subject = 'relay' | 'relay+org' | 'stock' | 'relay (base)'
/** Another built checkout whose relay runs beside this one's (before and after in one run). */
const BASE_ROOT = process.env.BASE_ROOT

interface Row {
  readyMs: number
  idleRss: number
  load: string
}

/** Spawn to the first HTTP answer (any status) of `path`. */
async function firstAnswer(
  server: ServerProcess,
  path: string,
  spawnedAt: number,
): Promise<number> {
  for (;;) {
    try {
      await (await fetch(`${server.url}${path}`)).arrayBuffer()
      return performance.now() - spawnedAt
    } catch {
      await new Promise((r) => setTimeout(r, 5))
    }
  }
}

async function once(subject: Subject, relayPort: number, orgUrl: string): Promise<Row> {
  const load = loadAverage()
  const spawnedAt = performance.now()
  const server =
    subject === 'stock'
      ? await startStock({ port: await freePort() })
      : await startRelay({
          port: subject === 'relay+org' ? await freePort() : relayPort,
          ...(subject === 'relay+org' ? {} : { orgUrl }),
          ...(subject === 'relay (base)' && BASE_ROOT ? { root: BASE_ROOT } : {}),
        })
  // The relay's sign-in page answers once its routes are mounted; the stock server answers any path.
  const readyMs = await firstAnswer(server, subject === 'stock' ? '/' : '/auth/session', spawnedAt)
  await new Promise((r) => setTimeout(r, IDLE_MS))
  const idleRss = server.stats().rssMb
  await server.stop()
  const row = { readyMs, idleRss, load }
  console.log(
    `${subject.padEnd(12)} ready in ${readyMs.toFixed(0)} ms, idle RSS ${idleRss.toFixed(1)} MB (load ${load})`,
  )
  return row
}

buildOnce()
const relayPort = await freePort()
const org = await startOrg({
  port: await freePort(),
  redirectUri: `http://127.0.0.1:${relayPort}/auth/callback`,
})
const subjects: Subject[] = [
  'relay',
  'stock',
  'relay+org',
  ...(BASE_ROOT ? ['relay (base)' as const] : []),
]
const rows = new Map<Subject, Row[]>()
for (let round = 0; round < ROUNDS; round++) {
  for (const s of subjects) rows.set(s, [...(rows.get(s) ?? []), await once(s, relayPort, org.url)])
}
await org.stop()
const LABEL: Record<Subject, string> = {
  relay: 'relay (npm start, separate org)',
  'relay+org': 'relay + embedded org (npm start)',
  stock: '@y/websocket-server 0.1.1',
  'relay (base)': `relay built at ${BASE_ROOT ?? ''}`,
}
console.log(`\n${ROUNDS} rounds, median (min–max); idle RSS after ${IDLE_MS / 1000} s\n`)
console.log('| server | start-up ms | idle RSS MB | load (1 min) |\n| --- | --- | --- | --- |')
for (const [s, rs] of rows) {
  console.log(
    `| ${LABEL[s]} | ${formatSpread(
      rs.map((r) => r.readyMs),
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
  `\nrelay ÷ stock per round: start-up ${ratio((r) => r.readyMs)}×, idle RSS ${ratio((r) => r.idleRss)}×`,
)
process.exit(0)
