/**
 * Servers under test, each in a process of its own, as a user runs them: the org emulator
 * (`packages/org` CLI) and the relay (`apps/server` entry, pointed at that org as at a real one,
 * projector and puller on), with the CPU time and peak RSS of a process read from /proc.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
/** Clock ticks per second of /proc/<pid>/stat (Linux's USER_HZ). */
const TICKS = 100

/** A server process and where it listens. */
export interface ServerProcess {
  readonly url: string
  readonly child: ChildProcess
  stop(): Promise<void>
}

/** A free TCP port on loopback (the OAuth redirect must be known before the relay starts). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Environment without proxies (jsforce routes through them; everything here is loopback). */
function localEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra }
  for (const k of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete env[k]
  return env
}

function start(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
  nodeArgs: readonly string[] = [],
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', '--conditions=@briefcase/source', script, ...args],
    { cwd: root, env: localEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  let err = ''
  // BENCH_LOG=<file> keeps the servers' output.
  const log = process.env.BENCH_LOG
  child.stderr?.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-4000)
    if (log) appendFileSync(log, b)
  })
  if (log) child.stdout?.on('data', (b: Buffer) => appendFileSync(log, b))
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
      const match = ready.exec(out)
      if (match) {
        out = ''
        resolve({ child, match })
      } else out = out.slice(-4000)
    })
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}): ${err}`)))
  })
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
}

/** Starts the org emulator with `accounts` Accounts (seeded), accepting `redirectUris`. */
export async function startOrg(
  accounts: number,
  redirectUris: readonly string[],
): Promise<ServerProcess> {
  const port = await freePort()
  const { child } = await start(
    'packages/org/src/cli.ts',
    [
      '--port',
      String(port),
      '--accounts',
      String(accounts),
      ...redirectUris.flatMap((u) => ['--redirect-uri', u]),
    ],
    {},
    /listening on (\S+)/,
  )
  return { url: `http://127.0.0.1:${port}`, child, stop: stopper(child) }
}

/** Starts `apps/server` on `port` against the org at `orgUrl`, data in `dataDir`. */
export async function startRelay(input: {
  port: number
  orgUrl: string
  dataDir: string
  args?: readonly string[]
}): Promise<ServerProcess> {
  const { child, match } = await start(
    'apps/server/src/main.ts',
    [
      '--port',
      String(input.port),
      '--org-url',
      input.orgUrl,
      '--data-dir',
      input.dataDir,
      '--log-level',
      process.env.LOG_LEVEL ?? 'warn',
      ...(input.args ?? []),
    ],
    {
      SALESFORCE_CLIENT_ID: 'briefcase-relay',
      SALESFORCE_CLIENT_SECRET: 'briefcase-relay-secret',
    },
    /Briefcase is running at (\S+)/,
    // RELAY_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/p" profiles the relay.
    (process.env.RELAY_NODE_OPTIONS ?? '').split(' ').filter(Boolean),
  )
  return { url: match[1] as string, child, stop: stopper(child) }
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS
}

/** Resets a process's peak RSS (Linux ≥ 4.0: `5` into clear_refs). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

/** A process's peak RSS since start or the last {@link resetPeakRss}, in bytes. */
export function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
  return Number(kb) * 1024
}

/** Median, min and max of `values`, formatted with `digits`. */
export function spread(values: readonly number[], digits = 0): string {
  const s = [...values].sort((a, b) => a - b)
  const median =
    s.length % 2 === 1
      ? (s[(s.length - 1) / 2] as number)
      : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2
  const f = (n: number): string => n.toFixed(digits)
  return s.length === 1 ? f(median) : `${f(median)} (${f(s[0] as number)}–${f(s.at(-1) as number)})`
}
