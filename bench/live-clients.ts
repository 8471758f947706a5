/**
 * The load side of bench/relay-live-latency.ts: real y-websocket clients (`WebsocketProvider`
 * over `ws`, record documents from packages/record) on one record, each editing once a second;
 * per edit, the time until every other client holds it, and what each receiver got.
 */
import type { ObjectSchema, YjsEngineDoc } from '@briefcase/record'
import { RecordDocument, createHybridClock, parseDeviceId, yjsEngine } from '@briefcase/record'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

/** Who a client is to the server: a relay session, or nobody (the stock server). */
export interface ClientIdentity {
  user: string
  device: string
  token?: string
}

/** One connected client. */
export interface LiveClient {
  doc: RecordDocument
  ydoc: Y.Doc
  provider: WebsocketProvider
  /** Sync frames carrying document content (step 2 and updates) and their bytes, while counting. */
  frames: number
  bytes: number
}

/** What one measured run gave. */
export interface LiveRun {
  /** Edits recorded (made while measuring). */
  edits: number
  /** Every edit made, warm-up included. */
  allEdits: number
  latencies: number[]
  /** Receipts never seen before the end. */
  missing: number
  updatesPerEdit: number
  bytesPerEdit: number
}

interface OpenEdit {
  editor: number
  client: number
  clock: number
  start: number
  seen: Uint8Array
  left: number
}

/** Connects `identities.length` clients to `url` (a y-websocket server URL) for `name`. */
export async function connectClients(
  url: string,
  name: string,
  schema: ObjectSchema,
  state: Uint8Array,
  identities: readonly ClientIdentity[],
): Promise<LiveClient[]> {
  return Promise.all(
    identities.map(async (id) => {
      const clock = createHybridClock({ device: parseDeviceId(id.device) })
      const doc = RecordDocument.open({
        engine: yjsEngine,
        name,
        schema,
        actor: { user: id.user, device: clock.device },
        clock,
        state,
      })
      const ydoc = (doc.engineDoc as YjsEngineDoc).ydoc
      const provider = new WebsocketProvider(url, name, ydoc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
        params: id.token ? { token: id.token } : {},
      })
      const client: LiveClient = { doc, ydoc, provider, frames: 0, bytes: 0 }
      provider.on('status', ({ status }) => {
        if (status !== 'connected' || !provider.ws) return
        provider.ws.addEventListener('message', (event: MessageEvent) => {
          const data = new Uint8Array(event.data as ArrayBuffer)
          // y-protocols: message type 0 (sync), then 1 (step 2) or 2 (update).
          if (data[0] === 0 && (data[1] === 1 || data[1] === 2)) {
            client.frames++
            client.bytes += data.byteLength
          }
        })
      })
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`a client of ${url} did not sync`)), 30_000)
        provider.once('sync', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      return client
    }),
  )
}

/**
 * Every client edits `field` once a second (staggered evenly), for `warmMs` unrecorded and then
 * `measureMs` recorded; waits up to `drainMs` for the last receipts.
 */
export async function runEdits(
  clients: readonly LiveClient[],
  field: string,
  options: { warmMs: number; measureMs: number; drainMs: number; tag: string },
): Promise<LiveRun> {
  const n = clients.length
  const open: OpenEdit[] = []
  const latencies: number[] = []
  let recording = false
  let edits = 0
  const listeners = clients.map((c, index) => {
    const listener = (): void => {
      const now = performance.now()
      for (let k = open.length - 1; k >= 0; k--) {
        const e = open[k] as OpenEdit
        if (e.editor === index || e.seen[index]) continue
        if (Y.getState(c.ydoc.store, e.client) < e.clock) continue
        e.seen[index] = 1
        latencies.push(now - e.start)
        if (--e.left === 0) open.splice(k, 1)
      }
    }
    c.ydoc.on('update', listener)
    return listener
  })
  let tick = 0
  const editOnce = (): void => {
    const index = tick++ % n
    const c = clients[index] as LiveClient
    const start = performance.now()
    c.doc.set(field, `https://${options.tag}-${tick}.example`)
    if (!recording) return
    edits++
    const client = c.ydoc.clientID
    open.push({
      editor: index,
      client,
      clock: Y.getState(c.ydoc.store, client),
      start,
      seen: new Uint8Array(n),
      left: n - 1,
    })
  }
  const timer = setInterval(editOnce, 1000 / n)
  await new Promise((r) => setTimeout(r, options.warmMs))
  for (const c of clients) {
    c.frames = 0
    c.bytes = 0
  }
  recording = true
  await new Promise((r) => setTimeout(r, options.measureMs))
  clearInterval(timer)
  recording = false
  const end = performance.now() + options.drainMs
  while (open.length > 0 && performance.now() < end) await new Promise((r) => setTimeout(r, 20))
  const missing = open.reduce((s, e) => s + e.left, 0)
  clients.forEach((c, i) => c.ydoc.off('update', listeners[i] as () => void))
  const frames = clients.reduce((s, c) => s + c.frames, 0)
  const bytes = clients.reduce((s, c) => s + c.bytes, 0)
  const receipts = edits * (n - 1)
  return {
    edits,
    allEdits: tick,
    latencies: latencies.sort((a, b) => a - b),
    missing,
    updatesPerEdit: frames / receipts,
    bytesPerEdit: bytes / receipts,
  }
}

/** The `p`th percentile of sorted values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
}
