import * as Y from 'yjs'
import type { HybridClock, MergeEngine, RecordSnapshot } from '@briefcase/record'
import {
  PayloadKind,
  RecordDocument,
  YjsEngineDoc,
  createHybridClock,
  parseDocName,
  openEnvelope,
  parseDeviceId,
  sealEnvelope,
} from '@briefcase/record'
import { EPOCH, RELAY_USER, USERS, schema } from './fixtures.js'
import { ClockModel } from './clock-model.js'
import { Model } from './model.js'
import type { RecordModel } from './model.js'
import type { Message } from './network.js'
import { Network } from './network.js'
import type { Schedule } from './schedule.js'

/** A device, or the relay (which stands for Salesforce too). */
export interface Node {
  readonly index: number
  /** The device id (`relay` for the relay). */
  readonly id: string
  readonly user: string
  /** The clock the device's documents use (a new one after a restart). */
  clock: HybridClock
  /** The reference model of that clock (see `clock-model.ts`). */
  readonly clockModel: ClockModel
  readonly isRelay: boolean
  /** Skew plus every jump of this device's physical clock, in ms. */
  offsetMs: number
  readonly replicas: Map<string, RecordDocument>
}

/** Options of {@link World}. */
export interface WorldOptions {
  engine: MergeEngine
  /** Deliver causally (parity runs: both engines then see the same states at every step). */
  causal: boolean
}

/** Thrown when a property fails; the message says which and where. */
export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation'
}

/** Fails a property: throws a {@link PropertyViolation} naming it. */
export function violation(property: string, message: string): never {
  throw new PropertyViolation(`[${property}] ${message}`)
}

/**
 * The devices and the relay of one run, their replicas of every record, the network between
 * them, and the reference model of what happened.
 */
export class World {
  readonly engine: MergeEngine
  readonly model: Model = new Model()
  readonly nodes: Node[]
  readonly relay: Node
  readonly network: Network
  /** Every update sent for each document (broadcasts, handshake answers, the final sync). */
  readonly sent = new Map<string, Uint8Array[]>()
  /** One line per step: what it did and the stamps it got (compared across engines). */
  readonly trace: string[] = []
  /** True time, ms; the relay's clock and LastModifiedDate follow it. */
  now: number = EPOCH
  drafts = 0
  creates = 0

  constructor(schedule: Schedule, options: WorldOptions) {
    this.engine = options.engine
    const devices = schedule.devices.map((d, index): Node => {
      const node: Node = {
        index,
        id: d.id,
        user: USERS[d.user % USERS.length] as string,
        clock: this.newClock(d.id, () => node.offsetMs),
        clockModel: new ClockModel(d.id, () => this.now + node.offsetMs),
        isRelay: false,
        offsetMs: d.skewMs,
        replicas: new Map(),
      }
      return node
    })
    this.relay = {
      index: devices.length,
      id: 'relay',
      user: RELAY_USER,
      clock: this.newClock('relay', () => 0),
      clockModel: new ClockModel('relay', () => this.now),
      isRelay: true,
      offsetMs: 0,
      replicas: new Map(),
    }
    this.nodes = [...devices, this.relay]
    this.network = new Network({
      nodes: this.nodes.length,
      causal: (node) => options.causal || node === this.relay.index,
      deliver: (to, from, message) => this.#receive(to, from, message),
      recover: (to, from) => this.#hello(this.nodes[to] as Node, this.nodes[from] as Node),
      merge: (doc, updates) => this.merge(doc, updates),
    })
  }

  /** A device's clock: true time plus the device's offset. */
  newClock(device: string, offset: () => number): HybridClock {
    return createHybridClock({ device: parseDeviceId(device), now: () => this.now + offset() })
  }

  /**
   * A device restarts: its clock starts over and each replica is opened again from the state it
   * saved; messages in flight still arrive.
   */
  restart(node: Node): void {
    node.clock = this.newClock(node.id, () => node.offsetMs)
    node.clockModel.reset()
    for (const [name, doc] of [...node.replicas]) {
      const state = doc.encodeState()
      doc.destroy()
      this.open(node, name, state)
    }
  }

  get devices(): Node[] {
    return this.nodes.filter((n) => !n.isRelay)
  }

  /** Opens a replica on a node and sends its local changes to everyone from then on. */
  open(node: Node, name: string, state?: Uint8Array): RecordDocument {
    const doc = RecordDocument.open({
      engine: this.engine,
      name,
      schema,
      clock: node.clock,
      actor: { user: node.user, device: node.clock.device },
      ...(state ? { state } : {}),
    })
    this.adopt(node, doc)
    return doc
  }

  /** Registers a replica made elsewhere (a draft) and subscribes to its local changes. */
  adopt(node: Node, doc: RecordDocument): void {
    node.replicas.set(doc.name, doc)
    doc.onUpdate((bytes, origin) => {
      if (origin === 'local') this.broadcast(node, doc.name, bytes)
    })
  }

  broadcast(node: Node, name: string, bytes: Uint8Array): void {
    const doc = node.replicas.get(name)
    for (const other of this.nodes) {
      const replica = other.replicas.get(name)
      if (other === node || !doc || !replica) continue
      if (doc.isCoveredBy(replica.encodeStateVector())) {
        violation(
          'convergence',
          `${name}: ${other.id} covers ${node.id}'s change before receiving it`,
        )
      }
    }
    this.record(name, bytes)
    this.network.broadcast(node.index, name, bytes)
  }

  /** Keeps a copy of every update that went anywhere. */
  record(name: string, bytes: Uint8Array): void {
    const list = this.sent.get(name)
    if (list) list.push(bytes)
    else this.sent.set(name, [bytes])
  }

  /**
   * Several sealed updates for one document as one (Yjs merges them; Automerge concatenates).
   * Not kept in {@link sent}: it holds nothing its parts do not.
   */
  merge(name: string, updates: readonly Uint8Array[]): Uint8Array {
    const envelopes = updates.map((u) => openEnvelope(u))
    const payloads = envelopes.map((e) => e.payload)
    const payload = this.engine.name === 'yjs' ? Y.mergeUpdates(payloads) : concat(payloads)
    const doc = envelopes[0]?.name ?? parseDocName(name).name
    return sealEnvelope({ engine: this.engine.name, kind: PayloadKind.update, name: doc, payload })
  }

  /** The records a node can see (it holds their creation), in order of creation. */
  visible(node: Node): RecordModel[] {
    return [...this.model.records.values()].filter((r) => {
      const doc = node.replicas.get(r.name)
      return doc !== undefined && (doc.draftKey() !== null || doc.salesforceId() !== null)
    })
  }

  replica(node: Node, record: RecordModel): RecordDocument {
    const doc = node.replicas.get(record.name)
    if (!doc) throw new Error(`${node.id} has no replica of ${record.name}`)
    return doc
  }

  /** Every node's replica of a record (after the full sync, every node has one). */
  replicas(record: RecordModel): RecordDocument[] {
    return this.nodes.map((n) => this.replica(n, record))
  }

  /**
   * Delivers everything in flight, then syncs every replica with the relay through state vectors
   * until each covers the relay and the relay covers each (so all cover each other). Checks first
   * that a replica that says another covers it really has nothing to give it.
   */
  fullSync(): void {
    const device = this.devices[this.trace.length % this.devices.length]
    if (device) {
      this.probeCoverage(device, this.relay)
      this.probeCoverage(this.relay, device)
    }
    this.network.flushAll()
    for (const record of this.model.records.values()) {
      for (const node of this.nodes) {
        if (!node.replicas.has(record.name)) this.open(node, record.name)
      }
      const hub = this.replica(this.relay, record)
      const others = this.devices.map((n) => this.replica(n, record))
      for (let round = 0; ; round++) {
        for (const doc of others) this.#syncInto(doc, hub)
        for (const doc of others) this.#syncInto(hub, doc)
        const hubVector = hub.encodeStateVector()
        const done = others.every(
          (d) => hub.isCoveredBy(d.encodeStateVector()) && d.isCoveredBy(hubVector),
        )
        if (done) break
        if (round === 3) {
          violation(
            'convergence',
            `${record.name}: replicas do not cover each other after 4 rounds`,
          )
        }
      }
    }
  }

  /**
   * Where one replica says another covers it, applying its update to that replica must change
   * nothing. (When the property holds this changes no state, so it can run at any point.)
   */
  probeCoverage(a: Node, b: Node): void {
    for (const [name, source] of a.replicas) {
      const target = b.replicas.get(name)
      if (!target) continue
      const sv = target.encodeStateVector()
      if (holdsUnapplied(source) || !source.isCoveredBy(sv)) continue
      const before = snapshotJson(target.snapshot())
      target.applyUpdate(source.encodeUpdate(sv))
      if (snapshotJson(target.snapshot()) !== before) {
        violation(
          'convergence',
          `${name}: ${a.id} said ${b.id} had everything it has, but its update changed ${b.id}'s replica`,
        )
      }
    }
  }

  /** `from` sends `to` its state vectors, asking for what it lacks. */
  #hello(from: Node, to: Node): void {
    const stateVectors = new Map(
      [...from.replicas].map(([name, d]) => [name, d.encodeStateVector()]),
    )
    this.network.send(from.index, to.index, { kind: 'hello', stateVectors })
  }

  /** A state-vector handshake between two nodes, with the coverage probes on the way. */
  handshake(from: Node, to: Node): void {
    this.probeCoverage(from, to)
    this.probeCoverage(to, from)
    this.#hello(from, to)
  }

  /** Sends `target` what `source` has that it lacks (the probes check the "covered" case). */
  #syncInto(source: RecordDocument, target: RecordDocument): void {
    const sv = target.encodeStateVector()
    if (source.isCoveredBy(sv)) return
    const update = source.encodeUpdate(sv)
    this.record(source.name, update)
    target.applyUpdate(update)
  }

  #receive(to: number, from: number, message: Message): void {
    const node = this.nodes[to] as Node
    const payload = message.payload
    if (payload.kind === 'hello') {
      for (const [name, doc] of node.replicas) {
        const sv = payload.stateVectors.get(name)
        const bytes = sv ? doc.encodeUpdate(sv) : doc.encodeState()
        this.record(name, bytes)
        this.network.send(to, from, { kind: 'update', doc: name, bytes })
      }
      return
    }
    const doc = node.replicas.get(payload.doc)
    if (doc) doc.applyUpdate(payload.bytes)
    else this.open(node, payload.doc, payload.bytes)
  }
}

/**
 * True when a Yjs replica holds updates it cannot apply yet (they arrived before what they build
 * on). It passes them on in its updates, so those may change a replica that covers what it
 * applied. (Automerge keeps such changes out of what it sends.)
 */
function holdsUnapplied(doc: RecordDocument): boolean {
  const engineDoc = doc.engineDoc
  if (!(engineDoc instanceof YjsEngineDoc)) return false
  const store = engineDoc.ydoc.store
  return store.pendingStructs !== null || store.pendingDs !== null
}

/** A snapshot as canonical JSON (keys are sorted by the snapshot). */
export function snapshotJson(s: RecordSnapshot): string {
  return JSON.stringify(s)
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
