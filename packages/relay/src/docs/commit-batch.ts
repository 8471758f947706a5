import type { HotDoc } from './hot-doc.js'

/** An update waiting for its commit, with where it came from. */
export interface QueuedUpdate {
  payload: Uint8Array
  origin: unknown
}

/** What one document contributes to a batch. */
export interface QueuedDoc {
  hot: HotDoc
  updates: QueuedUpdate[]
  users: Set<string>
  /** Write the pending row again even without updates (another relay's change came in). */
  repend?: boolean
  /** Recompute the pending row (its computation was deferred) and write it if it changed. */
  recheck?: boolean
}

/**
 * The writes gathered between two commits (group commit): every change of every document made
 * meanwhile goes to the store in one transaction, and everyone waiting learns the outcome.
 */
export class CommitBatch {
  readonly docs: Map<HotDoc, QueuedDoc> = new Map()
  readonly done: Promise<void>
  #resolve!: () => void
  #reject!: (error: unknown) => void

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    // Waiters attach their own handlers; this one keeps an unobserved failure from crashing.
    this.done.catch(() => undefined)
  }

  /** The entry of a document, created on first use. */
  entry(hot: HotDoc): QueuedDoc {
    let q = this.docs.get(hot)
    if (!q) {
      q = { hot, updates: [], users: new Set() }
      this.docs.set(hot, q)
    }
    return q
  }

  get empty(): boolean {
    return this.docs.size === 0
  }

  settle(error?: unknown): void {
    if (error === undefined) this.#resolve()
    else this.#reject(error)
  }
}
