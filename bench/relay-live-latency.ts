/**
 * Live edit latency with 100 clients on one record: one client edits a field, the time until each
 * of the 99 others sees it (p50/p99 over every edit and receiver). The relay (durable: every
 * update committed to SQLite before it is broadcast: by default written to the WAL (survives a relay
 * crash) and fsynced within a second; with synchronous=FULL fsynced before broadcast) against
 * `@y/websocket-server` 0.1.1 (in memory, not durable), same machine, same run, same clients
 * (y-websocket's WebsocketProvider with `ws`, record documents from packages/record).
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-live-latency.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createOrg } from '@briefcase/org'
import type { ObjectSchema, YjsEngineDoc } from '@briefcase/record'
import { RecordDocument, createHybridClock, parseDeviceId, yjsEngine } from '@briefcase/record'
import { SqliteRelayStore } from '@briefcase/relay'
import { signInDevice, startTestRelay } from '@briefcase/relay/testing'
import { setupWSConnection } from '@y/websocket-server/utils'
import WebSocket, { WebSocketServer } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { Device } from '../tests/relay/device.js'

const CLIENTS = Number(process.env.CLIENTS ?? 100)
const EDITS = Number(process.env.EDITS ?? 200)

interface Client {
  doc: RecordDocument
  provider: WebsocketProvider
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

async function connect(
  url: string,
  name: string,
  schema: ObjectSchema,
  state: Uint8Array,
  users: { user: string; device: string; token?: string }[],
): Promise<Client[]> {
  const clients: Client[] = []
  for (const u of users) {
    const clock = createHybridClock({ device: parseDeviceId(u.device) })
    const doc = RecordDocument.open({
      engine: yjsEngine,
      name,
      schema,
      actor: { user: u.user, device: clock.device },
      clock,
      state,
    })
    const provider = new WebsocketProvider(url, name, (doc.engineDoc as YjsEngineDoc).ydoc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      params: u.token ? { token: u.token } : {},
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`client ${clients.length} did not sync`)),
        10_000,
      )
      provider.once('sync', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    const index = clients.length
    provider.on('connection-close', (event: { code?: number; reason?: string } | null) => {
      if (process.env.DEBUG) console.error(`client ${index} closed`, event?.code, event?.reason)
    })
    clients.push({ doc, provider })
  }
  return clients
}

/** Edits one at a time; per edit, the latency until every other client has the value. */
async function measure(
  clients: Client[],
  label: string,
): Promise<{ p50: number; p99: number; mean: number }> {
  const latencies: number[] = []
  for (let i = 0; i < EDITS; i++) {
    const editor = clients[i % clients.length] as Client
    const value = `https://${label}-${i}.example`
    const waiting = clients.filter((c) => c !== editor)
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`${label}: edit ${i} reached ${waiting.length - left} of ${waiting.length}`),
          ),
        10_000,
      )
      let left = waiting.length
      const start = performance.now()
      for (const c of waiting) {
        const ydoc = (c.doc.engineDoc as YjsEngineDoc).ydoc
        const check = (): void => {
          if (c.doc.get('Website') !== value) return
          ydoc.off('update', check)
          latencies.push(performance.now() - start)
          if (--left === 0) {
            clearTimeout(timer)
            resolve()
          }
        }
        ydoc.on('update', check)
      }
      editor.doc.set('Website', value)
    })
    await done
  }
  latencies.sort((a, b) => a - b)
  const mean = latencies.reduce((s, x) => s + x, 0) / latencies.length
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), mean }
}

const org = createOrg({ accounts: 20 })
const account = (org.snapshot().Account ?? [])[0]
const name = `Account/${String(account?.Id)}`
const results = new Map<string, { p50: number; p99: number; mean: number }>()

async function relayRun(
  sync: 'NORMAL' | 'FULL',
): Promise<{ schema: ObjectSchema; state: Uint8Array }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-live-'))
  const store = new SqliteRelayStore({ file: join(dir, 'relay.sqlite'), synchronous: sync })
  const relay = await startTestRelay({ org, relay: { store } })
  const seed = await Device.signIn(relay.url, 'rep1', 'seed')
  await seed.bulk([name])
  const schema = await seed.schema('Account')
  const state = (await seed.open(name)).encodeState()
  const users = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => ({
      user: seed.userId,
      device: `live-${i}`,
      token: await signInDevice({
        relayUrl: relay.url,
        username: 'rep1@briefcase.test',
        password: 'rep1-password',
        device: `live-${i}`,
      }),
    })),
  )
  const clients = await connect(
    `${relay.url.replace(/^http/, 'ws')}/sync/live`,
    name,
    schema,
    state,
    users,
  )
  await measure(clients.slice(0, 10), `warm-${sync}`)
  const r = await measure(clients, `relay-${sync}`)
  const label =
    sync === 'NORMAL'
      ? 'relay (default): in the SQLite WAL before broadcast, fsynced within 1 s or with the next acknowledgement'
      : 'relay, synchronous=FULL: every update fsynced before broadcast'
  results.set(label, r)
  console.log(
    `${label}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, mean ${r.mean.toFixed(2)} ms`,
  )
  for (const c of clients) c.provider.destroy()
  await relay.close()
  rmSync(dir, { recursive: true, force: true })
  return { schema, state }
}

async function ywsRun(schema: ObjectSchema, state: Uint8Array): Promise<void> {
  const server = createServer()
  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) =>
      setupWSConnection(ws, req, {
        docName: (req.url ?? '').slice(1).split('?')[0] ?? '',
        gc: true,
      }),
    ),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
  const users = Array.from({ length: CLIENTS }, (_, i) => ({ user: 'u', device: `y-${i}` }))
  const clients = await connect(url, name, schema, state, users)
  await measure(clients.slice(0, 10), 'warm-yws')
  const y = await measure(clients, 'yws')
  const label = '@y/websocket-server 0.1.1 (memory, not durable)'
  results.set(label, y)
  console.log(
    `${label}: p50 ${y.p50.toFixed(2)} ms, p99 ${y.p99.toFixed(2)} ms, mean ${y.mean.toFixed(2)} ms`,
  )
  for (const c of clients) c.provider.destroy()
  for (const ws of wss.clients) ws.terminate()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

// Two rounds, alternating, so that neither server profits from the other's JIT warm-up; the
// table shows the second round.
for (let round = 0; round < 2; round++) {
  const { schema, state } = await relayRun('NORMAL')
  await ywsRun(schema, state)
  await relayRun('FULL')
}
console.log(
  `\n${CLIENTS} clients on one record, ${EDITS} edits, latency to every other client (ms):`,
)
console.log('| server | p50 | p99 | mean |\n| --- | --- | --- | --- |')
for (const [label, r] of results)
  console.log(`| ${label} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.mean.toFixed(2)} |`)
await org.close()
process.exit(0)
