/** How an edit reached the relay, as the write schedule sees it. */
export type EditArrival = 'live' | 'bulk'

/** The coalescing windows of {@link WriteSchedule}. */
export interface CoalesceOptions {
  /** Written once the author's live edits have been quiet this long, in ms (default 2 000)… */
  idleMs?: number
  /** …or once the oldest unwritten one is this old, in ms (default 15 000). */
  maxWaitMs?: number
}

interface Entry {
  /** When the oldest unwritten live edit arrived (ms). */
  first: number
  /** When the latest one arrived (ms). */
  last: number
  /** Written at once: its editors left, or its edits came by bulk sync (already old). */
  flush: boolean
  /** The users whose sessions write it (learnt from the document at each run). */
  authors: readonly string[] | undefined
}

/**
 * When live edits are written: coalescing. One Composite call writes one user's records, so
 * the windows are per author: a user's live-edited records are written once that user's live
 * edits have been quiet for `idleMs`, or the oldest unwritten one is `maxWaitMs` old, whichever
 * comes first (for one user on one record: that record's edits). A record whose editors all left,
 * or whose edits came by bulk sync, is due at once; so is a record the schedule holds no edit of
 * (pending since before a restart, or left over by a run). Both windows are multiplied by
 * `stretch` (the API budget's factor, 1 normally). In memory only.
 *
 * @example
 * ```ts
 * const schedule = new WriteSchedule({ idleMs: 2000, maxWaitMs: 15000 })
 * schedule.edited('g|Account/001…', 'live', 0)
 * schedule.dueAt('g|Account/001…') // 2000: quiet for 2 s
 * ```
 */
export class WriteSchedule {
  readonly #entries = new Map<string, Entry>()
  readonly #idleMs: number
  readonly #maxWaitMs: number
  #stretch = 1

  constructor(options: CoalesceOptions = {}) {
    this.#idleMs = options.idleMs ?? 2_000
    this.#maxWaitMs = options.maxWaitMs ?? 15_000
  }

  /** The current windows (stretched), in ms. */
  get windows(): { idleMs: number; maxWaitMs: number; stretch: number } {
    const s = this.#stretch
    return { idleMs: this.#idleMs * s, maxWaitMs: this.#maxWaitMs * s, stretch: s }
  }

  /** Multiplies both windows by `factor` (at least 1) from now on. */
  stretch(factor: number): void {
    this.#stretch = Math.max(1, factor)
  }

  /** Notes an edit of the record `key` that arrived at `at`. */
  edited(key: string, arrival: EditArrival, at: number): void {
    const entry = this.#entries.get(key)
    if (!entry) {
      this.#entries.set(key, { first: at, last: at, flush: arrival === 'bulk', authors: undefined })
      return
    }
    entry.last = Math.max(entry.last, at)
    if (arrival === 'bulk') entry.flush = true
  }

  /** The record's editors all left (socket closed, page hidden, device offline): due at once. */
  left(key: string): void {
    const entry = this.#entries.get(key)
    if (entry) entry.flush = true
  }

  /** Tells who writes the record (its pending edits' users). */
  setAuthors(key: string, authors: readonly string[]): void {
    const entry = this.#entries.get(key)
    if (entry) entry.authors = authors
  }

  /** When an author's records are due: their live edits quiet, or the oldest one too old. */
  #authorDueAt(author: string): number {
    let last = -Infinity
    let first = Infinity
    for (const e of this.#entries.values()) {
      if (e.flush || !e.authors?.includes(author)) continue
      last = Math.max(last, e.last)
      first = Math.min(first, e.first)
    }
    const { idleMs, maxWaitMs } = this.windows
    return Math.min(last + idleMs, first + maxWaitMs)
  }

  /** When the record is due (ms; 0 when at once): when every author of it is. */
  dueAt(key: string): number {
    const entry = this.#entries.get(key)
    if (!entry || entry.flush) return 0
    const { idleMs, maxWaitMs } = this.windows
    if (!entry.authors || entry.authors.length === 0) {
      return Math.min(entry.last + idleMs, entry.first + maxWaitMs)
    }
    return Math.max(...entry.authors.map((a) => this.#authorDueAt(a)))
  }

  /** The earliest time a record the schedule holds is due, or undefined when it holds none. */
  nextDueAt(): number | undefined {
    let next: number | undefined
    for (const key of this.#entries.keys()) {
      const at = this.dueAt(key)
      if (next === undefined || at < next) next = at
    }
    return next
  }

  /**
   * A run read the record at `readAt` and let it go (written, or held for another reason than
   * the schedule): it is forgotten, unless an edit arrived since, which starts a new window.
   */
  release(key: string, readAt: number): void {
    const entry = this.#entries.get(key)
    if (!entry) return
    if (entry.last < readAt) {
      this.#entries.delete(key)
      return
    }
    entry.first = readAt
  }

  /** Forgets records no longer pending (`pending` holds the keys still pending). */
  retain(pending: ReadonlySet<string>, readAt: number): void {
    for (const [key, entry] of this.#entries) {
      if (!pending.has(key) && entry.last < readAt) this.#entries.delete(key)
    }
  }
}
