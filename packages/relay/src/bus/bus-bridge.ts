import type { Logger } from 'pino'
import type { DocCommitEvent, DocHub } from '../docs/doc-hub.js'
import { isBulkOrigin } from '../docs/remote-changes.js'
import type { LiveSync } from '../sync/live-sync.js'
import type { BusMessage, RelayBus } from './relay-bus.js'

/** Options of {@link BusBridge}. */
export interface BusBridgeOptions {
  bus: RelayBus
  hub: DocHub
  live: LiveSync
  logger: Logger
  /**
   * How often documents with live connections are caught up from the store, whatever the bus
   * delivered (default 5000 ms): a message lost on the way heals within this.
   */
  catchUpMs?: number
}

/**
 * Joins a relay to the others through its bus: publishes what this relay commits (after the
 * commit, never before) and its live connections' awareness; applies other relays' updates to
 * the documents hot here and their awareness to the live rooms here; catches up from the store
 * when the bus resubscribes after a loss and, for live documents, every `catchUpMs`.
 */
export class BusBridge {
  readonly #bus: RelayBus
  readonly #hub: DocHub
  readonly #live: LiveSync
  readonly #logger: Logger
  readonly #unsubscribe: (() => void)[]
  readonly #timer: ReturnType<typeof setInterval>
  #catchingUp: Promise<void> | undefined
  /** A full catch-up asked for while a pass ran: it runs next. */
  #fullNext = false

  constructor(options: BusBridgeOptions) {
    this.#bus = options.bus
    this.#hub = options.hub
    this.#live = options.live
    this.#logger = options.logger
    this.#unsubscribe = [
      this.#hub.onCommit((event) => this.#publish(event)),
      this.#bus.subscribe({
        message: (message) => this.#receive(message),
        resubscribed: () => this.#catchUp(undefined),
      }),
    ]
    this.#timer = setInterval(() => this.#catchUp(this.#live.liveKeys()), options.catchUpMs ?? 5000)
    this.#timer.unref()
  }

  /** An awareness update of this relay's connections, for the other relays. */
  publishAwareness(key: { name: string; group: string }, update: Uint8Array): void {
    this.#bus.publish({ kind: 'awareness', relay: this.#bus.relayId, key, update })
  }

  /** Stops publishing, receiving and catching up. */
  close(): void {
    clearInterval(this.#timer)
    for (const u of this.#unsubscribe) u()
  }

  #publish(event: DocCommitEvent): void {
    if (event.remote || event.updates.length === 0) return
    this.#bus.publish({
      kind: 'updates',
      relay: this.#bus.relayId,
      key: event.key,
      seq: event.hot.lastSeq,
      fromDevice: event.updates.some((u) => u.origin !== 'local'),
      bulk: event.updates.some((u) => isBulkOrigin(u.origin)),
      updates: event.updates.map((u) => u.payload),
    })
  }

  #receive(message: BusMessage): void {
    if (message.kind === 'awareness') {
      this.#live.applyRemoteAwareness(message.key, message.update)
      return
    }
    this.#hub.applyRemote(message.key, message.updates, {
      kind: 'remote',
      fromDevice: message.fromDevice,
      bulk: message.bulk,
    })
  }

  /** Catches documents up from the store, one pass at a time (a pass running covers a tick). */
  #catchUp(keys: ReturnType<LiveSync['liveKeys']> | undefined): void {
    if (this.#catchingUp) {
      if (!keys) this.#fullNext = true
      return
    }
    if (keys && keys.length === 0) return
    this.#catchingUp = this.#hub
      .refresh(keys)
      .catch((error: unknown) =>
        this.#logger.warn({ err: error }, 'catching up from the store failed'),
      )
      .finally(() => {
        this.#catchingUp = undefined
        if (this.#fullNext) {
          this.#fullNext = false
          this.#catchUp(undefined)
        }
      })
  }
}
