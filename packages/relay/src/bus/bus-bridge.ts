import type { Logger } from 'pino'
import type { DocCommitEvent, DocHub } from '../docs/doc-hub.js'
import type { ObjectLayouts } from '../docs/object-layouts.js'
import { isBulkOrigin } from '../docs/remote-changes.js'
import type { LiveSync } from '../sync/live-sync.js'
import type { BusLayout, BusMessage, RelayBus } from './relay-bus.js'

/** Options of {@link BusBridge}. */
export interface BusBridgeOptions {
  bus: RelayBus
  hub: DocHub
  live: LiveSync
  /** The objects' layouts: read again when another relay changed one, and on every catch-up. */
  layouts?: Pick<ObjectLayouts, 'reload'>
  logger: Logger
  /**
   * How often documents with live connections are caught up from the store, and the layouts of
   * the objects this relay serves read again, whatever the bus delivered (default 5000 ms): a
   * message lost on the way heals within this.
   */
  catchUpMs?: number
}

/**
 * Joins a relay to the others through its bus: publishes what this relay commits (after the
 * commit, never before) and its live connections' awareness; applies other relays' updates to
 * the documents hot here and their awareness to the live rooms here; reads an object's layout
 * again when another relay changed it (ADR 0005); catches up from the store (layouts first) when
 * the bus resubscribes after a loss and every `catchUpMs` (layouts, and live documents).
 */
export class BusBridge {
  readonly #bus: RelayBus
  readonly #hub: DocHub
  readonly #live: LiveSync
  readonly #layouts: Pick<ObjectLayouts, 'reload'> | undefined
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
    this.#layouts = options.layouts
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

  /** Tells the other relays that a view recorded here changed `sobject`'s partitions. */
  publishLayout(sobject: string, partitions: readonly string[]): void {
    this.#bus.publish({
      kind: 'layout',
      relay: this.#bus.relayId,
      sobject,
      partitions: [...partitions],
    })
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
    if (message.kind === 'layout') {
      this.#layoutChanged(message).catch((error: unknown) =>
        this.#logger.warn({ err: error, sobject: message.sobject }, 'reading a layout failed'),
      )
      return
    }
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

  /** Another relay changed an object's layout: this relay reads it from the store again. */
  async #layoutChanged(message: BusLayout): Promise<void> {
    if (!this.#layouts) return
    const { LayoutMessageSchema } = await import('./layout-message.js')
    const checked = LayoutMessageSchema.safeParse(message)
    if (!checked.success) {
      this.#logger.warn({ relay: message.relay }, 'a layout message that is not valid: dropped')
      return
    }
    await this.#layouts.reload([checked.data.sobject])
  }

  /** Catches documents up from the store, one pass at a time (a pass running covers a tick). */
  #catchUp(keys: ReturnType<LiveSync['liveKeys']> | undefined): void {
    if (this.#catchingUp) {
      if (!keys) this.#fullNext = true
      return
    }
    // A layout change whose message was lost is found here (one look at the store's views per
    // object this relay serves): retired documents leave before documents catch up.
    const layouts = (this.#layouts?.reload() ?? Promise.resolve()).catch((error: unknown) =>
      this.#logger.warn({ err: error }, 'reading layouts failed'),
    )
    this.#catchingUp = layouts
      .then(() => (keys && keys.length === 0 ? undefined : this.#hub.refresh(keys)))
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
