import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device, until } from '../relay/device.js'
import { bundleChild } from './child-bundle.js'
import { openHub } from './trial.js'

const here = dirname(fileURLToPath(import.meta.url))
const bundle = join(
  here,
  `../../packages/relay/node_modules/.cache/briefcase-cdc-child-${process.pid}.mjs`,
)

/** A relay child process (cdc-child.ts) and the lines it printed. */
class RelayChild {
  readonly lines: string[] = []
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  readonly #child: ChildProcessWithoutNullStreams

  constructor(env: Record<string, string>) {
    this.#child = spawn(process.execPath, [bundle], { env: { ...process.env, ...env } })
    let buffer = ''
    this.#child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      const parts = buffer.split('\n')
      buffer = parts.pop() ?? ''
      this.lines.push(...parts)
    })
    this.#child.stderr.on('data', (d: Buffer) => this.lines.push(`stderr: ${d.toString()}`))
    this.exited = new Promise((resolve) =>
      this.#child.on('exit', (code, signal) => resolve({ code, signal })),
    )
  }

  /** Waits until the child printed a line matching `test`; returns it. */
  async line(test: (line: string) => boolean, ms = 20_000): Promise<string> {
    await until(() => this.lines.some(test), ms)
    return this.lines.find(test) as string
  }

  /** Replay ids of the events that reached a stage, in order. */
  stage(name: string): number[] {
    return this.lines
      .filter((l) => l.startsWith(`STAGE ${name} `))
      .map((l) => Number(l.split(' ')[2]))
  }

  async stop(): Promise<void> {
    this.#child.stdin.end()
    await this.exited
  }
}

let org: Org
let host: TestRelay
let dir: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'briefcase-cdc-crash-'))
  org = createOrg({ accounts: 2 })
  // The org on a port of its own (the relay in this process does nothing: no projection).
  host = await startTestRelay({ org, projection: false })
  await bundleChild(join(here, 'cdc-child.ts'), bundle)
}, 60_000)
afterAll(async () => {
  await host.close()
  await org.close()
  rmSync(dir, { recursive: true, force: true })
  rmSync(bundle, { force: true })
})

/** A change made in Salesforce by the manager. */
async function patch(id: string, fields: Record<string, unknown>): Promise<number> {
  const res = await org.app.request(`/services/data/v62.0/sobjects/Account/${id}`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${org.issueToken('manager@briefcase.test')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(fields),
  })
  return res.status
}

describe('the relay killed between applying a change event and acknowledging it', () => {
  it('applies the event once after the restart, writes no echo, and resumes a cut stream from its replay id', async () => {
    const id = String(org.snapshot().Account?.[0]?.Id)
    const name = `Account/${id}`
    const file = join(dir, 'relay.sqlite')
    const env = { CDC_DB: file, CDC_ORG: host.url }
    // The second event applied kills the relay (SIGKILL) before its replay id is persisted.
    const first = new RelayChild({ ...env, CDC_CRASH_STAGE: 'applied', CDC_CRASH_AT: '2' })
    const url = (await first.line((l) => l.startsWith('READY '))).slice('READY '.length)
    org.registerConnectedApp({
      clientId: 'briefcase-relay',
      clientSecret: 'briefcase-relay-secret',
      redirectUris: [`${url}/auth/callback`],
    })
    // A device holds the record (the relay keeps the rep's session: it could write an echo).
    const phone = await Device.signIn(url, 'rep1', 'cdc-crash-phone')
    await phone.bulk([name])
    await first.line((l) => l === 'STREAMING')
    expect(await patch(id, { Description: 'Base text' })).toBe(204)
    await first.line((l) => l.startsWith('STAGE acknowledged '))
    org.clearCalls()
    expect(await patch(id, { Description: 'Base text plus one' })).toBe(204)
    expect((await first.exited).signal).toBe('SIGKILL')
    const killed = first.stage('applied').at(-1) as number
    expect(first.stage('acknowledged')).not.toContain(killed)

    // Restarted: the unacknowledged event is replayed and applied again, changing nothing twice.
    const second = new RelayChild(env)
    await second.line((l) => l === `STAGE acknowledged ${killed}`)
    expect(second.stage('received')).toContain(killed)
    // The org's CometD drops every client: the relay handshakes again and resumes after its
    // acknowledged replay id.
    org.dropStreamingClients()
    expect(await patch(id, { Industry: 'After the cut' })).toBe(204)
    await second.line(
      (l) => l.startsWith('STAGE acknowledged ') && Number(l.split(' ')[2]) > killed,
    )
    const received = second.stage('received')
    expect(new Set(received).size).toBe(received.length)
    expect(received).toEqual([...received].sort((a, b) => a - b))
    await second.stop()

    const relay = openHub(file)
    const [meta] = await relay.store.findBySalesforceId('Account', id)
    const held = await relay.hub.read({ name, group: String(meta?.group) }, (doc) => ({
      text: doc.text('Description'),
      industry: doc.get('Industry'),
      pending: doc.pending(),
    }))
    await relay.close()
    expect(held).toEqual({ text: 'Base text plus one', industry: 'After the cut', pending: null })
    // The org saw the manager's two changes and nothing else: no echo write, and no read either
    // (the events' values were applied as they came).
    const rest = org
      .calls()
      .filter((c) => !c.path.startsWith('/cometd/') && !c.path.startsWith('/services/oauth2/'))
    expect(rest.map((c) => `${c.method} ${c.user ?? ''}`)).toEqual([
      'PATCH manager@briefcase.test',
      'PATCH manager@briefcase.test',
    ])
    const row = org.snapshot().Account?.find((r) => r.Id === id)
    expect(row?.Description).toBe('Base text plus one')
  }, 90_000)
})
