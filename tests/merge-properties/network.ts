import { pick } from './fixtures.js'
import type { Choice } from './schedule.js'

/**
 * A message between two nodes. `update`: sealed update bytes for one document. `hello`: the
 * sender's state vectors, asking the receiver for what it lacks (the receiver answers with
 * updates).
 */
export type Payload =
  | { kind: 'update'; doc: string; bytes: Uint8Array }
  | { kind: 'hello'; stateVectors: ReadonlyMap<string, Uint8Array> }

/**
 * A message with its causal bookkeeping: `carries` is the set of broadcast ids whose content it
 * holds, `needs` the broadcast ids its sender had applied that it does not carry itself.
 */
export interface Message {
  payload: Payload
  carries: ReadonlySet<number>
  needs: ReadonlySet<number>
}

interface Link {
  from: number
  to: number
  queue: Message[]
  dropped: Message[]
}

/** Options of {@link Network}. */
export interface NetworkOptions {
  nodes: number
  /** Hands a message to a node. */
  deliver: (to: number, from: number, message: Message) => void
  /** Merges several update messages for one document into one (a batched delivery). */
  merge: (doc: string, updates: readonly Uint8Array[]) => Uint8Array
  /**
   * Causal delivery to a node: it receives a message only once it has everything the sender had
   * (a message that arrives early waits at the receiver). Reordering, duplication, drops and
   * batching still happen on the wire. The relay always receives causally: it refuses an update
   * that skips content it does not have, and the device sends it again after the rest.
   */
  causal: (node: number) => boolean
  /**
   * A receiver whose messages wait for content that was lost for good asks the sender for what it
   * lacks (a state-vector handshake): the only way lost content comes back.
   */
  recover: (to: number, from: number) => void
}

/**
 * A simulated network between every pair of nodes: one queue per direction, and the faults a
 * real network has: delivery out of order, duplicates, drops resent later, batches, partitions.
 */
export class Network {
  readonly #options: NetworkOptions
  readonly #links: Link[] = []
  /** Per node, the broadcast ids whose content it holds or received (for causal delivery). */
  readonly #has: Set<number>[] = []
  /** Per node, messages that arrived before what they need (causal receivers only). */
  readonly #waiting: { from: number; message: Message }[][] = []
  #partition: ReadonlySet<number> = new Set()
  #nextId = 1

  constructor(options: NetworkOptions) {
    this.#options = options
    for (let from = 0; from < options.nodes; from++) {
      this.#has.push(new Set())
      this.#waiting.push([])
      for (let to = 0; to < options.nodes; to++) {
        if (from !== to) this.#links.push({ from, to, queue: [], dropped: [] })
      }
    }
  }

  /** Sends a node's own update to every other node. */
  broadcast(from: number, doc: string, bytes: Uint8Array): void {
    const id = this.#nextId++
    const has = this.#has[from] as Set<number>
    const message: Message = {
      payload: { kind: 'update', doc, bytes },
      carries: new Set([id]),
      needs: new Set(has),
    }
    has.add(id)
    for (const link of this.#links) if (link.from === from) link.queue.push(message)
  }

  /** Sends a message to one node (a handshake, or the answer to one). */
  send(from: number, to: number, payload: Payload): void {
    const link = this.#link(from, to)
    const carries = payload.kind === 'update' ? new Set(this.#has[from]) : new Set<number>()
    link.queue.push({ payload, carries, needs: new Set() })
  }

  /** Cuts the nodes whose bit is set in `mask` off from the others (replacing any partition). */
  partition(mask: number): void {
    const cut = new Set<number>()
    for (let n = 0; n < this.#options.nodes; n++) if (mask & (1 << n)) cut.add(n)
    this.#partition = cut
  }

  heal(): void {
    this.#partition = new Set()
  }

  deliver(link: Choice, message: Choice): void {
    const l = this.#open(link)
    const i = l ? index(l.queue, message) : -1
    if (!l || i < 0) return
    const [m] = l.queue.splice(i, 1)
    if (m) this.#receive(l, m)
  }

  duplicate(link: Choice, message: Choice): void {
    const l = this.#open(link)
    const m = l ? l.queue[index(l.queue, message)] : undefined
    if (l && m) this.#receive(l, m)
  }

  drop(link: Choice, message: Choice): void {
    const l = this.#open(link)
    const i = l ? index(l.queue, message) : -1
    if (!l || i < 0) return
    l.dropped.push(...l.queue.splice(i, 1))
  }

  /** Loses a message for good: it is never resent (only a handshake brings its content back). */
  lose(link: Choice, message: Choice): void {
    const l = this.#open(link)
    const i = l ? index(l.queue, message) : -1
    if (l && i >= 0) l.queue.splice(i, 1)
  }

  /** Puts a link's dropped messages back on the wire (a retry). */
  resend(link: Choice): void {
    const l = pick(
      this.#links.filter((x) => x.dropped.length > 0),
      link / 1000,
    )
    if (l) l.queue.push(...l.dropped.splice(0))
  }

  /** Delivers up to `count` updates for one document as one merged update. */
  batch(link: Choice, message: Choice, count: number): void {
    const l = this.#open(link)
    if (l) this.#batch(l, index(l.queue, message), count)
  }

  /**
   * Takes up to `count` updates for the document of the message at `at` off a link and delivers
   * them as one. Returns false when there was nothing to take.
   */
  #batch(l: Link, at: number, count: number): boolean {
    const first = l.queue[at]
    if (!first || first.payload.kind !== 'update') return false
    const doc = first.payload.doc
    const taken: Message[] = []
    const carries = new Set<number>()
    // With causal delivery a batch takes only messages it can deliver in order (a batch that
    // waited could need a message that needs the batch).
    const has = this.#has[l.to] as Set<number>
    const ready = (m: Message): boolean =>
      !this.#options.causal(l.to) || [...m.needs].every((id) => has.has(id) || carries.has(id))
    for (let i = at; i < l.queue.length && taken.length < count;) {
      const m = l.queue[i] as Message
      if (m.payload.kind === 'update' && m.payload.doc === doc && ready(m)) {
        taken.push(...l.queue.splice(i, 1))
        for (const id of m.carries) carries.add(id)
      } else i++
    }
    if (taken.length === 0) return false
    const needs = new Set<number>()
    for (const m of taken) for (const id of m.needs) if (!carries.has(id)) needs.add(id)
    const bytes =
      taken.length === 1 && first.payload.kind === 'update'
        ? first.payload.bytes
        : this.#options.merge(
            doc,
            taken.map((m) => (m.payload.kind === 'update' ? m.payload.bytes : new Uint8Array())),
          )
    this.#receive(l, { payload: { kind: 'update', doc, bytes }, carries, needs })
    return true
  }

  /** Delivers everything queued on one link, in order. */
  flushLink(link: Choice): void {
    const l = this.#open(link)
    while (l && l.queue.length > 0) this.#receive(l, l.queue.shift() as Message)
  }

  /**
   * Heals, resends every dropped message and delivers until nothing is in flight (what is left
   * on a link arrives as one batch per document, as after a reconnect).
   */
  flushAll(): void {
    this.heal()
    for (const l of this.#links) l.queue.push(...l.dropped.splice(0))
    // Also when nothing is on the wire: a receiver may wait for content lost for good.
    for (let round = 0; ; round++) {
      if (round > 1000) throw new Error('the network does not drain')
      for (const l of this.#links) {
        while (l.queue.length > 0) {
          if (!this.#batch(l, 0, Infinity)) this.#receive(l, l.queue.shift() as Message)
        }
      }
      if (this.#links.some((l) => l.queue.length > 0)) continue
      if (this.#waiting.every((w) => w.length === 0)) break
      this.#recoverLost()
    }
    const stuck = this.#waiting.reduce((n, w) => n + w.length, 0)
    if (stuck > 0) throw new Error(`${stuck} messages still wait for what they need`)
  }

  /** Each receiver still waiting for lost content asks its sender for what it lacks. */
  #recoverLost(): void {
    this.#waiting.forEach((waiting, to) => {
      for (const from of new Set(waiting.map((w) => w.from))) this.#options.recover(to, from)
    })
  }

  /** Messages on the wire or waiting at a receiver. */
  inFlight(): number {
    return this.#links.reduce((n, l) => n + l.queue.length + l.dropped.length, 0)
  }

  #link(from: number, to: number): Link {
    const l = this.#links.find((x) => x.from === from && x.to === to)
    if (!l) throw new Error(`no link ${from}→${to}`)
    return l
  }

  /** A link with messages that the partition does not cut, chosen by `c`. */
  #open(c: Choice): Link | undefined {
    const cut = this.#partition
    const open = this.#links.filter((l) => l.queue.length > 0 && cut.has(l.from) === cut.has(l.to))
    return pick(open, c / 1000)
  }

  #receive(link: Link, message: Message): void {
    if (!this.#options.causal(link.to)) {
      // What it sends from now on may refer to what it received: a causal receiver needs both.
      for (const id of message.carries) this.#has[link.to]?.add(id)
      this.#options.deliver(link.to, link.from, message)
      return
    }
    const waiting = this.#waiting[link.to] as { from: number; message: Message }[]
    waiting.push({ from: link.from, message })
    const has = this.#has[link.to] as Set<number>
    for (let progress = true; progress;) {
      progress = false
      for (let i = 0; i < waiting.length; i++) {
        const w = waiting[i] as { from: number; message: Message }
        if (![...w.message.needs].every((id) => has.has(id))) continue
        waiting.splice(i, 1)
        for (const id of w.message.carries) has.add(id)
        this.#options.deliver(link.to, w.from, w.message)
        progress = true
        break
      }
    }
  }
}

function index<T>(list: readonly T[], c: Choice): number {
  return list.length === 0 ? -1 : Math.min(list.length - 1, Math.floor((c / 1000) * list.length))
}
