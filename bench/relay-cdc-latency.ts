/**
 * Server change → device latency: a record is open live on a device (y-websocket); the manager
 * changes it in Salesforce (REST PATCH, another user); how long until the device shows it?
 * p50/p99 over CHANGES changes with the relay's change events (CometD, Change Data Capture),
 * and over BASELINE changes with change events off (the relay's 60 s poll), same machine, same
 * run, and the Salesforce API calls the relay made meanwhile (per change). The org and the relay
 * run in one child process (bench/relay-cdc-server.ts), the device and the load here.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-cdc-latency.ts
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { Device } from '../tests/relay/device.js'

const CHANGES = Number(process.env.CHANGES ?? 100)
const BASELINE = Number(process.env.BASELINE ?? 3)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
}

async function server(stream: 'on' | 'off'): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(
    'npx',
    ['tsx', '--conditions=@briefcase/source', 'bench/relay-cdc-server.ts'],
    {
      env: { ...process.env, STREAM: stream },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const lines = createInterface({ input: child.stdout })
  for await (const line of lines) {
    if (line.startsWith('READY ')) {
      return {
        url: line.slice(6),
        stop: async () => {
          child.stdin.end()
          await once(child, 'exit')
        },
      }
    }
  }
  throw new Error('the server process ended before it was ready')
}

/** Calls the org served while measuring, the manager's PATCHes, the stream and sign-ins left out. */
interface Measured {
  latencies: number[]
  calls: string[]
}

async function orgCalls(
  url: string,
): Promise<{ method: string; path: string; user: string | null }[]> {
  return (await (await fetch(`${url}/__org/calls`)).json()) as {
    method: string
    path: string
    user: string | null
  }[]
}

async function measure(stream: 'on' | 'off', changes: number): Promise<Measured> {
  const s = await server(stream)
  const token = await managerToken(s.url)
  const phone = await Device.signIn(s.url, 'rep1', `bench-cdc-${stream}`)
  const ids = await accountIds(s.url, token)
  const id = ids[0] as string
  const name = `Account/${id}`
  await phone.bulk([name])
  await phone.live(name)
  const doc = await phone.open(name)
  // Let the relay subscribe to Account's change events (it follows an object once a document appears).
  await new Promise((r) => setTimeout(r, 1500))
  const latencies: number[] = []
  await fetch(`${s.url}/__org/calls`, { method: 'DELETE' })
  for (let i = 0; i < changes; i++) {
    const value = `https://cdc-${stream}-${i}.example`
    const start = performance.now()
    const seen = new Promise<void>((resolve) => {
      const check = (): void => {
        if (doc.get('Website') !== value) return
        off()
        resolve()
      }
      const off = doc.onUpdate(check)
    })
    const res = await fetch(`${s.url}/services/data/v62.0/sobjects/Account/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Website: value }),
    })
    if (res.status !== 204) throw new Error(`PATCH answered ${res.status}`)
    await seen
    latencies.push(performance.now() - start)
  }
  const calls = (await orgCalls(s.url))
    .filter((c) => !(c.method === 'PATCH' && c.user === 'manager@briefcase.test'))
    .filter((c) => !c.path.startsWith('/cometd/') && !c.path.startsWith('/services/oauth2/'))
    .map((c) => `${c.method} ${c.path.replace(/^\/services\/data\/v[\d.]+/, '')}`)
  phone.close()
  await s.stop()
  return { latencies: latencies.sort((a, b) => a - b), calls }
}

/** `n calls (…) = x per change`. */
function callsPerChange(calls: readonly string[], changes: number): string {
  const kinds = new Map<string, number>()
  for (const c of calls) kinds.set(c, (kinds.get(c) ?? 0) + 1)
  const list = [...kinds].map(([k, n]) => `${n}× ${k}`).join(', ')
  return `${calls.length} relay API calls${list ? ` (${list})` : ''} = ${(calls.length / changes).toFixed(2)} per change`
}

async function managerToken(url: string): Promise<string> {
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'briefcase-relay',
      client_secret: 'briefcase-relay-secret',
      username: 'manager@briefcase.test',
      password: 'manager-password',
    }),
  })
  return ((await res.json()) as { access_token: string }).access_token
}

async function accountIds(url: string, token: string): Promise<string[]> {
  const q = encodeURIComponent('SELECT Id FROM Account ORDER BY Name LIMIT 5')
  const res = await fetch(`${url}/services/data/v62.0/query?q=${q}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  return ((await res.json()) as { records: { Id: string }[] }).records.map((r) => r.Id)
}

const format = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`
const streamed = await measure('on', CHANGES)
const on = streamed.latencies
console.log(
  `change events: ${CHANGES} changes, p50 ${format(percentile(on, 50))}, p99 ${format(percentile(on, 99))}, max ${format(on.at(-1) ?? NaN)}; ${callsPerChange(streamed.calls, CHANGES)}`,
)
if (BASELINE > 0) {
  const polled = await measure('off', BASELINE)
  const off = polled.latencies
  console.log(
    `poll (baseline): ${BASELINE} changes, p50 ${format(percentile(off, 50))}, max ${format(off.at(-1) ?? NaN)} (${off.map(format).join(', ')}); ${callsPerChange(polled.calls, BASELINE)}`,
  )
}
// The device's sockets and the fetch pool keep the loop alive: the measurement is over.
process.exit(0)
