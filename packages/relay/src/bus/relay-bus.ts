import type { DocKey } from '../store/relay-store.js'

/**
 * Committed engine updates of one document, published by the relay that committed them (after
 * the commit: durability first) for the other relays holding the document.
 */
export interface BusUpdates {
  kind: 'updates'
  /** The publishing relay (a relay ignores its own messages). */
  relay: string
  key: DocKey
  /** The last sequence number of the commit that holds them. */
  seq: number
  /** Whether they came from a device (live or bulk) rather than from the relay's own writes. */
  fromDevice: boolean
  /** Whether a device sent them by bulk sync. */
  bulk: boolean
  updates: Uint8Array[]
}

/** An awareness update (carets, presence) of a document's live connections on one relay. */
export interface BusAwareness {
  kind: 'awareness'
  relay: string
  key: DocKey
  /** A y-protocols awareness update. */
  update: Uint8Array
}

/**
 * A relay recorded a view that changed an object's readability partitions (ADR 0005): the others
 * read the object's views from the store again, close live connections to the documents it
 * retired and stop serving them as current. The store is the truth; the message says when to
 * look, and carries the partitions for the logs.
 */
export interface BusLayout {
  kind: 'layout'
  relay: string
  sobject: string
  /** The object's current partition ids after the change. */
  partitions: string[]
}

/** A message between relays. */
export type BusMessage = BusUpdates | BusAwareness | BusLayout

/** What a relay does with what the bus brings. */
export interface BusHandlers {
  /** A message another relay published. */
  message(message: BusMessage): void
  /**
   * The subscription was (re)established after a loss: messages may have been missed meanwhile,
   * so the relay catches up from the store.
   */
  resubscribed(): void
}

/**
 * Live fan-out between relays sharing one store. Delivery is best effort: convergence never
 * depends on it (a relay catches up from the store on resubscription and periodically), so
 * publishing never throws and never waits for other relays.
 */
export interface RelayBus {
  /** This relay's id, carried by every message it publishes. */
  readonly relayId: string
  /** True when other relays may exist (a shared store): hot documents are then refreshed. */
  readonly shared: boolean
  /** Publishes a message (its `relay` is this relay's id); lost silently when the bus is down. */
  publish(message: BusMessage): void
  /** Starts delivering other relays' messages to `handlers`. Returns the unsubscribe. */
  subscribe(handlers: BusHandlers): () => void
  /** Releases connections. */
  close(): Promise<void>
}

/**
 * The bus of a relay that is alone (the embedded SQLite store): nothing to publish to, nothing
 * to receive. Today's single-relay behaviour.
 */
export class LocalRelayBus implements RelayBus {
  readonly relayId: string
  readonly shared = false

  constructor(relayId = 'local') {
    this.relayId = relayId
  }

  publish(): void {}

  subscribe(): () => void {
    return () => undefined
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}
