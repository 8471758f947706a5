/** The header Salesforce puts on every change event (the CometD form: no nulledFields/diffFields). */
export interface ChangeEventHeader {
  readonly entityName: string
  readonly recordIds: readonly string[]
  readonly changeType: 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE'
  readonly changeOrigin: string
  readonly transactionKey: string
  readonly sequenceNumber: number
  readonly commitTimestamp: number
  readonly commitNumber: number
  readonly commitUser: string
  readonly changedFields: readonly string[]
}

/** A change event as the bus keeps it: the header, the body fields, and when it was published. */
export interface ChangeEvent {
  readonly header: ChangeEventHeader
  /** Body fields (compound fields nested), before field-level security is applied per subscriber. */
  readonly fields: Readonly<Record<string, unknown>>
}

/** A retained change event with its replay id. */
export interface RetainedEvent extends ChangeEvent {
  readonly replayId: number
  /** When it was published (org clock, ms). */
  readonly at: number
}

/** Options of {@link ChangeEventBus}. */
export interface ChangeEventBusOptions {
  /** The org clock (ms). */
  now: () => number
  /** How long events stay retrievable (Salesforce: 72 hours). */
  retentionMs: number
}

/**
 * The org's event bus for change events: replay ids that only grow (they start at the clock's
 * milliseconds, so an org restarted from a data file never reuses one), the retention window,
 * and a wake-up for subscribers waiting on a long poll.
 */
export class ChangeEventBus {
  readonly #options: ChangeEventBusOptions
  #events: RetainedEvent[] = []
  #last: number
  /** The replay id of the newest event no longer retained (or, at start, just before the first). */
  #purgedUpTo: number
  /** False until an event left the window (or the bus was cleared). */
  #purgedAny = false
  readonly #listeners = new Set<() => void>()

  constructor(options: ChangeEventBusOptions) {
    this.#options = options
    this.#last = Math.floor(options.now())
    this.#purgedUpTo = this.#last
  }

  /** Publishes events in order; wakes every waiting subscriber. */
  publish(events: readonly ChangeEvent[]): void {
    if (events.length === 0) return
    const at = this.#options.now()
    for (const e of events) {
      this.#last += 1
      this.#events.push({ ...e, replayId: this.#last, at })
    }
    for (const listener of [...this.#listeners]) listener()
  }

  /** Calls `listener` after every publish; returns the function that stops it. */
  onPublish(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** The replay id of the newest event ever published (0 events: the starting point). */
  latest(): number {
    return this.#last
  }

  /**
   * Whether a subscriber can resume after `replayId`: the event is still retained (or it is the
   * starting point and nothing was ever dropped), and it is not from the future. Once an event
   * has left the retention window its id is refused, even if nothing after it was lost.
   */
  canResumeFrom(replayId: number): boolean {
    this.#purge()
    if (replayId > this.#last) return false
    return replayId > this.#purgedUpTo || (!this.#purgedAny && replayId === this.#purgedUpTo)
  }

  /** The replay id `-2` stands for: just before the oldest retained event. */
  oldestCursor(): number {
    this.#purge()
    return this.#purgedUpTo
  }

  /** Up to `limit` retained events after `replayId` that `accept` takes, oldest first. */
  after(replayId: number, accept: (e: RetainedEvent) => boolean, limit: number): RetainedEvent[] {
    this.#purge()
    const out: RetainedEvent[] = []
    for (const e of this.#events) {
      if (e.replayId <= replayId || !accept(e)) continue
      out.push(e)
      if (out.length >= limit) break
    }
    return out
  }

  /** Drops every retained event (a reseed): earlier replay ids can no longer be resumed from. */
  clear(): void {
    this.#events = []
    this.#purgedUpTo = this.#last
    this.#purgedAny = true
  }

  #purge(): void {
    const oldest = this.#options.now() - this.#options.retentionMs
    let drop = 0
    while (drop < this.#events.length && (this.#events[drop] as RetainedEvent).at < oldest) drop++
    if (drop === 0) return
    this.#purgedUpTo = (this.#events[drop - 1] as RetainedEvent).replayId
    this.#purgedAny = true
    this.#events = this.#events.slice(drop)
  }
}
