import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './build-assets.js'

/** A record as the org's admin snapshot returns it. */
export type OrgRecord = Record<string, string | number | boolean | null>

/** A Salesforce API call the org received (`/__org/calls`). */
export interface OrgCall {
  method: string
  path: string
  query: string
  user: string | null
  status: number
}

/** A seeded user (`/__org/users`). */
export interface OrgUser {
  id: string
  username: string
  name: string
}

/** The server `npm start` runs, on a free port with its own data directory. */
export interface RunningServer {
  readonly url: string
  /** Every record of an object in the org (the admin snapshot). */
  records(sobject: string): Promise<OrgRecord[]>
  users(): Promise<OrgUser[]>
  calls(): Promise<OrgCall[]>
  clearCalls(): Promise<void>
  /** The relay's count of Salesforce calls its projector made, by kind (from `/metrics`). */
  projectionCalls(): Promise<{ check: number; write: number }>
  close(): Promise<void>
}

const READY = /Briefcase is running at (http:\/\/\S+)/

/**
 * Starts `apps/server` from its sources (as `npm start` runs its build) on port 0 with a fresh
 * data directory, serving the demo site built in `site`, with more `flags` (e.g.
 * `--return-origin`), and resolves once it printed its URL. To debug, `E2E_SERVER_LOG=<file>`
 * keeps its output and `E2E_SERVER_LOG_LEVEL=debug` makes it talk.
 */
export async function startServer(
  site: string,
  flags: readonly string[] = [],
): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'briefcase-e2e-'))
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@briefcase/source',
      'apps/server/src/main.ts',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--static-root',
      site,
      '--log-level',
      process.env.E2E_SERVER_LOG_LEVEL ?? 'warn',
      ...flags,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  )
  let output = ''
  const log = process.env.E2E_SERVER_LOG
  if (log) {
    const file = createWriteStream(log)
    child.stdout.pipe(file)
    child.stderr.pipe(file)
  }
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = READY.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${String(code)}:\n${output}`))
    })
  })
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${url}${path}`, init)
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
    return (await response.json()) as T
  }
  return {
    url,
    records: async (sobject) =>
      (await json<Record<string, OrgRecord[]>>('/__org/snapshot'))[sobject] ?? [],
    users: () => json<OrgUser[]>('/__org/users'),
    calls: () => json<OrgCall[]>('/__org/calls'),
    clearCalls: async () => {
      await fetch(`${url}/__org/calls`, { method: 'DELETE' })
    },
    projectionCalls: async () => {
      const metrics = await (await fetch(`${url}/metrics`)).text()
      const count = (kind: string): number => {
        const line = metrics
          .split('\n')
          .find((l) => /projection_api_calls_total\{/.test(l) && l.includes(`kind="${kind}"`))
        return line ? Number(line.split(' ').pop()) : 0
      }
      return { check: count('check'), write: count('write') }
    },
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
