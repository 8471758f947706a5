/**
 * Servers under test, each in a process of its own, started as their users start them:
 * - the relay as `npm start` runs it (`node apps/server/dist/main.js`: projection on, SQLite store
 *   in a fresh data directory), against a separately started org (`packages/org/dist/cli.js`), or
 *   with the org embedded in its process as `npm start` does with no `--org-url`;
 * - `@y/websocket-server` 0.1.1 as its README runs it (`HOST=… PORT=… npx y-websocket`: the
 *   package's `src/server.js`, documents in memory).
 * CPU time and memory come from `/proc/<pid>/stat` and `/proc/<pid>/status` (Linux).
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { cpuSeconds, freePort, peakRss, spread } from './processes.js'

export { freePort }

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The connected app the org seeds (see packages/org). */
const CONNECTED_APP = { id: 'briefcase-relay', secret: 'briefcase-relay-secret' }

/** CPU and memory of a process so far. */
export interface ProcStats {
  /** User + system CPU time, ms. */
  cpuMs: number
  /** Resident set now, MB. */
  rssMb: number
  /** Peak resident set (VmHWM), MB. */
  peakRssMb: number
}

/** A server running in its own process. */
export interface ServerProcess {
  readonly label: string
  /** Its base URL (`http://…`). */
  readonly url: string
  readonly pid: number
  /** Milliseconds from spawn to its ready line. */
  readonly startMs: number
  stats(): ProcStats
  stop(): Promise<void>
}

/** CPU time and memory of `pid`, read from /proc. */
export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1])
  return {
    cpuMs: cpuSeconds(pid) * 1000,
    rssMb: rssKb / 1024,
    peakRssMb: peakRss(pid) / (1024 * 1024),
  }
}

/** The machine's load averages (`/proc/loadavg`, as `uptime` prints them). */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
}

/**
 * Builds the workspace's TypeScript (`tsc -b`, incremental), as `npm start` does first; `BUILD=0`
 * runs what `dist/` holds (to compare a build with another).
 */
export function buildOnce(): void {
  if (process.env.BUILD === '0') return
  const r = spawnSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('tsc -b failed')
}

async function launch(
  label: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  cleanup: () => void = () => undefined,
  cwd: string = ROOT,
): Promise<ServerProcess> {
  const started = performance.now()
  // RELAY_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=prof`) go to the relay only.
  const flags = label.startsWith('relay')
    ? (process.env.RELAY_NODE_FLAGS ?? '').split(' ').filter(Boolean)
    : []
  const child: ChildProcess = spawn(process.execPath, [...flags, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const errors: string[] = []
  child.stderr?.on('data', (d: Buffer) => {
    errors.push(d.toString())
    if (process.env.DEBUG) process.stderr.write(`[${label}] ${d.toString()}`)
  })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  let url: string | undefined
  for await (const line of lines) {
    if (process.env.DEBUG) process.stderr.write(`[${label}] ${line}\n`)
    const m = ready.exec(line)
    if (m) {
      url = m[1]
      break
    }
  }
  if (!url) throw new Error(`${label} ended before it was ready: ${errors.join('').slice(0, 500)}`)
  const startMs = performance.now() - started
  // Keep draining its output so that a full pipe never blocks it.
  lines.on('line', (line) => {
    if (process.env.DEBUG) process.stderr.write(`[${label}] ${line}\n`)
  })
  const pid = child.pid as number
  return {
    label,
    url,
    pid,
    startMs,
    stats: () => procStats(pid),
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit')
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      }
      cleanup()
    },
  }
}

/** The org emulator on its own (`briefcase-org`), allowing the relay callback(s) `redirectUri`. */
export function startOrg(options: {
  port: number
  redirectUri: string | readonly string[]
  accounts?: number
}) {
  const uris = typeof options.redirectUri === 'string' ? [options.redirectUri] : options.redirectUri
  return launch(
    'org',
    [
      'packages/org/dist/cli.js',
      '--port',
      String(options.port),
      '--accounts',
      String(options.accounts ?? 240),
      ...uris.flatMap((uri) => ['--redirect-uri', uri]),
    ],
    {},
    /^Briefcase org listening on (\S+)/,
  )
}

/**
 * The relay as `npm start` runs it (`node apps/server/dist/main.js`), in a fresh data directory
 * (removed when it stops), or in `dataDir` (kept); against `orgUrl` when given, else with its
 * embedded org. `root`: another built checkout (default this one), to compare builds in one run.
 */
export function startRelay(options: {
  port: number
  orgUrl?: string
  root?: string
  dataDir?: string
}): Promise<ServerProcess> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bench-relay-'))
  const args = ['apps/server/dist/main.js', '--port', String(options.port), '--data-dir', dir]
  const env: Record<string, string> = {}
  if (options.orgUrl) {
    args.push('--org-url', options.orgUrl)
    env.SALESFORCE_CLIENT_ID = CONNECTED_APP.id
    env.SALESFORCE_CLIENT_SECRET = CONNECTED_APP.secret
  }
  return launch(
    options.orgUrl ? 'relay' : 'relay+org',
    args,
    env,
    /^Briefcase is running at (\S+)/,
    () => {
      if (!options.dataDir) rmSync(dir, { recursive: true, force: true })
    },
    options.root ?? ROOT,
  )
}

/** `@y/websocket-server` 0.1.1 as its README runs it (`npx y-websocket`), documents in memory. */
export function startStock(options: { port: number }): Promise<ServerProcess> {
  return launch(
    'y-websocket-server',
    ['node_modules/@y/websocket-server/src/server.js'],
    { HOST: '127.0.0.1', PORT: String(options.port) },
    /^(running) at/,
  ).then((s) => ({ ...s, url: `http://127.0.0.1:${options.port}` }))
}

/** `median (min–max)` of `xs` with `digits` decimals (default 1). */
export function formatSpread(xs: readonly number[], digits = 1): string {
  return spread(xs, digits)
}
