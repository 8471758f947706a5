import { randomBytes } from 'node:crypto'
import type { ChannelTarget } from './channels.js'

/** One channel a client subscribed to, and the replay id of the last event it was sent. */
export interface ChannelSubscription {
  readonly channel: string
  readonly target: NonNullable<ChannelTarget>
  cursor: number
}

/** A CometD client after its handshake. */
export interface BayeuxClient {
  readonly id: string
  readonly userId: string
  readonly subscriptions: Map<string, ChannelSubscription>
  /** True once the first `/meta/connect` was answered (that one returns at once, with advice). */
  connected: boolean
  /** Ends the long poll being held, if any. */
  wake: (() => void) | undefined
  /** Real time (ms) of its last request. */
  lastSeen: number
}

/**
 * The org's CometD clients. A client that holds no long poll and sent nothing for
 * `clientTimeoutMs` is forgotten (its next connect answers `403::Unknown client`), as Salesforce
 * forgets clients that do not reconnect in time.
 */
export class BayeuxClients {
  readonly #clients = new Map<string, BayeuxClient>()
  readonly #timeoutMs: number

  constructor(clientTimeoutMs: number) {
    this.#timeoutMs = clientTimeoutMs
  }

  /** A new client for a user (its id: 27 lower-case letters and digits, like Salesforce's). */
  create(userId: string): BayeuxClient {
    this.#sweep()
    const id = randomBytes(20)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 27)
    const client: BayeuxClient = {
      id,
      userId,
      subscriptions: new Map(),
      connected: false,
      wake: undefined,
      lastSeen: Date.now(),
    }
    this.#clients.set(id, client)
    return client
  }

  /** The live client with this id. */
  get(id: unknown): BayeuxClient | undefined {
    if (typeof id !== 'string') return undefined
    const client = this.#clients.get(id)
    if (!client) return undefined
    if (this.#expired(client, Date.now())) {
      this.#clients.delete(id)
      return undefined
    }
    client.lastSeen = Date.now()
    return client
  }

  /** Forgets a client and ends its long poll. */
  remove(id: string): void {
    const client = this.#clients.get(id)
    this.#clients.delete(id)
    client?.wake?.()
  }

  /** Ends every held long poll so it can look for events. */
  wakeAll(): void {
    for (const client of this.#clients.values()) client.wake?.()
  }

  /** Forgets every client (their long polls end; next requests answer `403::Unknown client`). */
  clear(): void {
    const clients = [...this.#clients.values()]
    this.#clients.clear()
    for (const client of clients) client.wake?.()
  }

  #expired(client: BayeuxClient, now: number): boolean {
    return client.wake === undefined && now - client.lastSeen > this.#timeoutMs
  }

  #sweep(): void {
    const now = Date.now()
    for (const [id, client] of this.#clients)
      if (this.#expired(client, now)) this.#clients.delete(id)
  }
}
