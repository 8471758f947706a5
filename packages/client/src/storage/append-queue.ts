/** An update waiting to be appended. */
export interface QueuedAppend {
  doc: string
  update: Uint8Array
  /** Commit with the store's durability (strict by default) rather than relaxed. */
  durable: boolean
}

interface Lane {
  queued: QueuedAppend[]
  waiters: { resolve: () => void; reject: (e: unknown) => void }[]
  running: Promise<void> | null
}

/**
 * Group commit for appends: appends that arrive while a write is in flight go together in the
 * next transaction, and each resolves once the transaction holding it committed. Appends of one
 * lane are written in order. A failed write rejects its appends and keeps their updates at the
 * head of the lane, so the next append retries them first: nothing is dropped silently.
 */
export class AppendQueue {
  readonly #write: (entries: readonly QueuedAppend[], durable: boolean) => Promise<void>
  readonly #laneOf: (doc: string) => string
  readonly #lanes = new Map<string, Lane>()

  constructor(
    write: (entries: readonly QueuedAppend[], durable: boolean) => Promise<void>,
    laneOf: (doc: string) => string,
  ) {
    this.#write = write
    this.#laneOf = laneOf
  }

  append(entry: QueuedAppend): Promise<void> {
    const key = this.#laneOf(entry.doc)
    let lane = this.#lanes.get(key)
    if (!lane) {
      lane = { queued: [], waiters: [], running: null }
      this.#lanes.set(key, lane)
    }
    const l = lane
    l.queued.push(entry)
    return new Promise<void>((resolve, reject) => {
      l.waiters.push({ resolve, reject })
      l.running ??= this.#drain(key, l)
    })
  }

  /** Resolves when the lane of `doc` wrote everything accepted so far (or failed). */
  async idle(doc: string): Promise<void> {
    await this.#lanes.get(this.#laneOf(doc))?.running
  }

  /** True while the lane of `doc` has appends waiting or in flight. */
  busy(doc: string): boolean {
    return this.#lanes.has(this.#laneOf(doc))
  }

  async #drain(key: string, lane: Lane): Promise<void> {
    await Promise.resolve()
    try {
      while (lane.queued.length > 0) {
        const entries = lane.queued.splice(0)
        const waiters = lane.waiters.splice(0)
        try {
          await this.#write(
            entries,
            entries.some((e) => e.durable),
          )
          for (const w of waiters) w.resolve()
        } catch (error) {
          lane.queued.unshift(...entries)
          for (const w of waiters) w.reject(error)
          break
        }
      }
    } finally {
      lane.running = null
      if (lane.queued.length === 0) this.#lanes.delete(key)
    }
  }
}
