/**
 * A cluster on one machine for the multi-relay suite: one org emulator process, relay processes
 * (the shipped server entry, bundled once per run) on one PostgreSQL schema and one Redis channel
 * prefix, each started on port 0 and read its URL from what it prints.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openPostgresDatabase } from '@briefcase/relay'
import { bundleChild } from '../relay-crash/child-bundle.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const cache = join(root, 'packages/relay/node_modules/.cache')

/** A child process that printed the URL it listens at. */
export interface Started {
  readonly url: string
  readonly child: ChildProcess
  /** What it printed so far (stdout and stderr). */
  output(): string
}

/** Environment without proxies (everything here is on loopback). */
function localEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete env[name]
  return env
}

function startChild(
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  pattern: RegExp,
): Promise<Started> {
  const child = spawn(process.execPath, [file, ...args], {
    env: localEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const output = (): string => out
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 30 s:\n${out}`)), 30_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = pattern.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ url: m[1] as string, child, output })
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`exited (${String(code ?? signal)}) before listening:\n${out}`))
    })
  })
}

/** Stops a child (SIGKILL: as a crash) and waits for it. */
export function kill(started: Started): Promise<void> {
  const { child } = started
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

/** What the cluster's relays share. */
export interface ClusterOptions {
  postgresUrl: string
  redisUrl: string
}

/** The org and the relays. */
export class Cluster {
  readonly schema = `bc_scale_${randomBytes(5).toString('hex')}`
  readonly prefix = `bc-scale-${randomBytes(5).toString('hex')}:`
  readonly secret = randomBytes(24).toString('base64url')
  readonly relays: Started[] = []
  org: Started | undefined
  readonly #dir = mkdtempSync(join(tmpdir(), 'relay-scale-'))
  readonly #bundles = {
    server: join(cache, `briefcase-scale-server-${process.pid}.mjs`),
    org: join(cache, `briefcase-scale-org-${process.pid}.mjs`),
  }
  readonly #options: ClusterOptions

  constructor(options: ClusterOptions) {
    this.#options = options
  }

  /** Bundles the server and org entries and starts the org (with `accounts` Accounts). */
  async start(accounts = 100): Promise<void> {
    await Promise.all([
      bundleChild(join(root, 'apps/server/src/main.ts'), this.#bundles.server),
      bundleChild(join(root, 'packages/org/src/cli.ts'), this.#bundles.org),
    ])
    this.org = await startChild(
      this.#bundles.org,
      ['--port', '0', '--host', '127.0.0.1', '--accounts', String(accounts)],
      {},
      /listening on (http:\/\/\S+)/,
    )
  }

  /** Starts one more relay (the shipped server entry) and lets the org call it back. */
  async startRelay(extra: readonly string[] = [], redisUrl?: string): Promise<Started> {
    const org = this.org?.url as string
    const n = this.relays.length
    const relay = await startChild(
      this.#bundles.server,
      [
        '--port',
        '0',
        '--data-dir',
        join(this.#dir, `relay-${n}`),
        '--org-url',
        org,
        '--store',
        this.#options.postgresUrl,
        '--store-schema',
        this.schema,
        '--redis',
        redisUrl ?? this.#options.redisUrl,
        '--redis-prefix',
        this.prefix,
        '--log-level',
        'warn',
        ...extra,
      ],
      {
        SALESFORCE_CLIENT_ID: 'briefcase-relay',
        // A dead relay's work is taken over within ~2 s, and a call it left in flight that never
        // landed is sent again after 1.5 s (the org is on loopback): the suite stays short.
        BRIEFCASE_LEASE_TTL_MS: '2000',
        BRIEFCASE_IN_FLIGHT_SETTLE_MS: '1500',
        SALESFORCE_CLIENT_SECRET: 'briefcase-relay-secret',
        BRIEFCASE_SESSION_SECRET: this.secret,
      },
      /running at (http:\/\/\S+)/,
    )
    const res = await fetch(`${org}/__org/connected-apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: 'briefcase-relay',
        clientSecret: 'briefcase-relay-secret',
        redirectUris: [`${relay.url}/auth/callback`],
      }),
    })
    if (!res.ok) throw new Error(`registering ${relay.url}: ${res.status} ${await res.text()}`)
    this.relays.push(relay)
    return relay
  }

  /** Drops the relays' PostgreSQL schema (after {@link Cluster.stop}). */
  async dropSchema(): Promise<void> {
    const db = await openPostgresDatabase({ url: this.#options.postgresUrl, schema: this.schema })
    await db.exec(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`)
    await db.close()
  }

  /** Kills every process and removes the bundles and data directories. */
  async stop(): Promise<void> {
    await Promise.all([...this.relays, ...(this.org ? [this.org] : [])].map((p) => kill(p)))
    rmSync(this.#dir, { recursive: true, force: true })
    rmSync(this.#bundles.server, { force: true })
    rmSync(this.#bundles.org, { force: true })
  }
}
