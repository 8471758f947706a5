import type { BulkResponseDoc, BulkStreamAnswer, SchemaResponse } from '@briefcase/protocol'
import {
  BULK_STREAM_TYPE,
  decodeBulkResponse,
  encodeBulkRequest,
  encodeRequestFrame,
  encodeStreamEnd,
  encodeStreamHeader,
  parseSyncName,
  readAnswerStream,
  syncName,
} from '@briefcase/protocol'
import type { ObjectSchema, YjsEngineDoc } from '@briefcase/record'
import {
  RecordDocument,
  createHybridClock,
  parseDeviceId,
  parseDocName,
  yjsEngine,
} from '@briefcase/record'
import { signInDevice } from '@briefcase/relay/testing'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'

/** The seeded users of the org. */
export const USERS = {
  rep1: { username: 'rep1@briefcase.test', password: 'rep1-password' },
  rep2: { username: 'rep2@briefcase.test', password: 'rep2-password' },
  manager: { username: 'manager@briefcase.test', password: 'manager-password' },
} as const

/**
 * A simulated device: signs in through the relay, keeps record documents (packages/record) and
 * syncs them in bulk (one HTTP request) or live (y-websocket's WebsocketProvider with `ws`).
 */
export class Device {
  readonly docs = new Map<string, RecordDocument>()
  /** The relay's state vector per document, from the last bulk answer. */
  readonly relayVectors = new Map<string, Uint8Array>()
  readonly schemas = new Map<string, SchemaResponse>()
  readonly providers: WebsocketProvider[] = []
  readonly clock: ReturnType<typeof createHybridClock>
  userId = ''
  /** The device id the relay bound the session to. */
  sessionDevice = ''
  /** HTTP round trips made. */
  roundTrips = 0
  /** Bytes of the last bulk request and answer. */
  lastBulkBytes: { sent: number; received: number } = { sent: 0, received: 0 }

  private constructor(
    readonly relayUrl: string,
    readonly id: string,
    readonly token: string,
    now?: () => number,
  ) {
    this.clock = createHybridClock({ device: parseDeviceId(id), ...(now ? { now } : {}) })
  }

  /**
   * Signs a device in as one of the seeded users, proposing `id`; the device adopts the id the
   * relay bound to its session (as the client does). `keepProposedId`: a hostile client that
   * stamps its edits with the proposed id whatever the relay issued. `now`: its clock (default
   * `Date.now`).
   */
  static async signIn(
    relayUrl: string,
    user: keyof typeof USERS,
    id: string,
    options: { keepProposedId?: boolean; now?: () => number } = {},
  ): Promise<Device> {
    const token = await signInDevice({ relayUrl, ...USERS[user], device: id })
    const res = await fetch(`${relayUrl}/auth/session`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const session = (await res.json()) as { user: { id: string }; device: string }
    const device = new Device(
      relayUrl,
      options.keepProposedId ? id : session.device,
      token,
      options.now,
    )
    device.sessionDevice = session.device
    device.userId = session.user.id
    return device
  }

  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    this.roundTrips++
    return fetch(`${this.relayUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(init.headers as Record<string, string>),
      },
    })
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.fetch(path, init)
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }

  /** The object as this user sees it (cached; `fresh`: ask again). */
  async describe(sobject: string, fresh = false): Promise<SchemaResponse> {
    let schema = fresh ? undefined : this.schemas.get(sobject)
    if (!schema) {
      schema = await this.json<SchemaResponse>(`/api/schemas/${sobject}`)
      this.schemas.set(sobject, schema)
    }
    return schema
  }

  /** The schema of a document: its record's main partition, or the partition it names. */
  async schema(sobject: string, partition: string | null = null): Promise<ObjectSchema> {
    const d = await this.describe(sobject)
    if (partition === null) return d.schema
    const p = d.partitions?.find((x) => x.id === partition)
    if (!p) throw new Error(`${sobject}: no partition ${partition} for ${this.id}`)
    return p.schema
  }

  /** Every document name of a record this user reads: its main partition, then the others. */
  async names(record: string): Promise<string[]> {
    const d = await this.describe(parseDocName(record).sobject)
    return [record, ...(d.partitions ?? []).map((p) => syncName(record, p.id))]
  }

  /** The name of the user's document of a record holding `field`. */
  async nameOf(record: string, field: string): Promise<string> {
    const d = await this.describe(parseDocName(record).sobject)
    const p = d.partitions?.find((x) => Object.hasOwn(x.schema.fields, field))
    return syncName(record, p ? p.id : null)
  }

  /**
   * A local document (`<SObject>/<key>` or `<SObject>/<key>/<partition>`), opened empty (or from
   * `state`) on first use.
   */
  async open(name: string, state?: Uint8Array): Promise<RecordDocument> {
    const existing = this.docs.get(name)
    if (existing) {
      if (state) existing.applyUpdate(state)
      return existing
    }
    const { record, partition } = parseSyncName(name)
    const doc = RecordDocument.open({
      engine: yjsEngine,
      name: record,
      schema: await this.schema(parseDocName(record).sobject, partition),
      actor: { user: this.userId, device: parseDeviceId(this.id) },
      clock: this.clock,
      ...(state ? { state } : {}),
    })
    this.docs.set(name, doc)
    return doc
  }

  /** Keeps a document this device created (a draft). */
  adopt(doc: RecordDocument): void {
    this.docs.set(doc.name, doc)
  }

  /**
   * One bulk round trip for `names` (default every local document): sends each state vector and
   * what the relay lacks, applies the answers. Returns the answers.
   */
  async bulk(names: readonly string[] = [...this.docs.keys()]): Promise<BulkResponseDoc[]> {
    const body = encodeBulkRequest(
      names.map((name) => {
        const doc = this.docs.get(name)
        if (!doc) return { name, stateVector: new Uint8Array(), update: new Uint8Array() }
        const known = this.relayVectors.get(name)
        return {
          name,
          stateVector: doc.encodeStateVector(),
          update: known ? doc.encodeUpdate(known) : doc.encodeState(),
        }
      }),
    )
    const res = await this.fetch('/sync/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: body as Uint8Array<ArrayBuffer>,
    })
    if (!res.ok) throw new Error(`bulk: HTTP ${res.status} ${await res.text()}`)
    const received = new Uint8Array(await res.arrayBuffer())
    this.lastBulkBytes = { sent: body.byteLength, received: received.byteLength }
    const answers = decodeBulkResponse(received)
    for (const a of answers) {
      if (!a.ok) continue
      await this.open(a.name, a.update.length > 0 ? a.update : undefined)
      this.relayVectors.set(a.name, a.stateVector)
    }
    return answers
  }

  /**
   * {@link bulk} over the streamed route (`/sync/bulk/stream`, one request and one streamed
   * response); an `aborted` frame ends the answers. Returns the answers. `quiet`: a document
   * whose state vector is the relay's last one goes with its state vector alone (as the client
   * sends a document it has no change for).
   */
  async stream(
    names: readonly string[] = [...this.docs.keys()],
    options: { quiet?: boolean } = {},
  ): Promise<BulkStreamAnswer[]> {
    const frames = names.map((name) => {
      const doc = this.docs.get(name)
      const known = this.relayVectors.get(name)
      if (!doc)
        return encodeRequestFrame({ name, stateVector: new Uint8Array(), update: new Uint8Array() })
      const stateVector = doc.encodeStateVector()
      // `quiet`: as the client does, nothing to send for a document the relay has all of.
      const clean = options.quiet === true && known !== undefined && sameBytes(stateVector, known)
      return encodeRequestFrame({
        name,
        stateVector,
        update: clean ? new Uint8Array() : known ? doc.encodeUpdate(known) : doc.encodeState(),
      })
    })
    return this.rawStream([encodeStreamHeader(), ...frames, encodeStreamEnd()])
  }

  /** Sends `parts` as a streamed bulk request and applies the answers. */
  async rawStream(parts: readonly Uint8Array[]): Promise<BulkStreamAnswer[]> {
    const res = await this.fetch('/sync/bulk/stream', {
      method: 'POST',
      headers: { 'content-type': BULK_STREAM_TYPE },
      body: new Blob(parts as Uint8Array<ArrayBuffer>[]),
    })
    if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status} ${await res.text()}`)
    const answers: BulkStreamAnswer[] = []
    for await (const a of readAnswerStream(res.body as unknown as AsyncIterable<Uint8Array>)) {
      answers.push(a)
      if ('aborted' in a || !a.ok) continue
      await this.open(a.name, a.update.length > 0 ? a.update : undefined)
      this.relayVectors.set(a.name, a.stateVector)
    }
    return answers
  }

  /** Opens a document live (y-websocket), resolving once the first sync completed. */
  async live(name: string): Promise<WebsocketProvider> {
    const doc = await this.open(name)
    const ydoc = (doc.engineDoc as YjsEngineDoc).ydoc
    const provider = new WebsocketProvider(
      `${this.relayUrl.replace(/^http/, 'ws')}/sync/live`,
      name,
      ydoc,
      {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
        params: { token: this.token },
        maxBackoffTime: 200,
      },
    )
    this.providers.push(provider)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`live sync of ${name} did not complete`)),
        5000,
      )
      provider.once('sync', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    return provider
  }

  close(): void {
    for (const p of this.providers) p.destroy()
    this.providers.length = 0
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A y-protocols sync "update" frame carrying a raw Yjs update (what a live device sends). */
export function updateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}
