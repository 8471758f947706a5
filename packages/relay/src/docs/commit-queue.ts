import type { Durability, RelayStore } from '../store/relay-store.js'
import { CommitBatch } from './commit-batch.js'
import type { QueuedUpdate } from './commit-batch.js'
import type { HotDoc } from './hot-doc.js'

/** Commits a batch; resolves when its transaction is done (the batch settles its waiters). */
export type CommitFn = (batch: CommitBatch) => Promise<void>

/**
 * Group commit: changes made meanwhile gather in one batch, committed in one transaction, one
 * batch at a time, in order. Tracks which commits were only `written`, so that a `synced` flush
 * with nothing new to commit still syncs the store.
 */
export class CommitQueue {
  readonly #store: RelayStore
  readonly #commit: CommitFn
  readonly #onError: (error: unknown) => void
  #batch = new CommitBatch()
  readonly #committing = new Set<CommitBatch>()
  #inflight: Promise<void> = Promise.resolve()
  #scheduled = false
  /** Dispatch order of commits and syncs (they run one at a time, in this order). */
  #dispatched = 0
  /** The last `written` commit dispatched, and the last commit or sync known `synced`. */
  #lastWritten = 0
  #lastSynced = 0

  constructor(store: RelayStore, commit: CommitFn, onError: (error: unknown) => void) {
    this.#store = store
    this.#commit = commit
    this.#onError = onError
  }

  /** Queues a document's change; a `written` commit follows in the next turn of the event loop. */
  enqueue(hot: HotDoc, update: QueuedUpdate): void {
    this.#batch.entry(hot).updates.push(update)
    this.#schedule()
  }

  /** Queues a user to record as holding a document. */
  addUser(hot: HotDoc, user: string): void {
    this.#batch.entry(hot).users.add(user)
    this.#schedule()
  }

  /** Queues a rewrite of a document's pending row, recomputed from the document at commit. */
  repend(hot: HotDoc): void {
    this.#batch.entry(hot).repend = true
    this.#schedule()
  }

  /** True when a document has changes queued or being committed (never evict it then). */
  holds(hot: HotDoc): boolean {
    if (this.#batch.docs.has(hot)) return true
    for (const b of this.#committing) if (b.docs.has(hot)) return true
    return false
  }

  /**
   * Resolves when every change queued so far is committed (`synced`: fsynced too), rejects when
   * its commit failed.
   */
  flush(durability: Durability): Promise<void> {
    const batch = this.#batch
    const previous = this.#inflight
    let chain: Promise<void>
    if (batch.empty) {
      if (durability === 'written' || this.#lastWritten <= this.#lastSynced) return previous
      const seq = ++this.#dispatched
      chain = previous
        .catch(() => undefined)
        .then(() => this.#store.sync())
        .then(() => this.#synced(seq))
    } else {
      if (durability === 'synced') batch.durability = 'synced'
      const seq = ++this.#dispatched
      if (batch.durability === 'written') this.#lastWritten = seq
      this.#batch = new CommitBatch()
      this.#committing.add(batch)
      chain = previous
        .catch(() => undefined)
        .then(() => this.#commit(batch))
        .finally(() => this.#committing.delete(batch))
        .then(() => batch.done)
        .then(() => {
          if (batch.durability === 'synced') this.#synced(seq)
        })
    }
    this.#inflight = chain
    const settled = (): void => {
      if (this.#inflight === chain) this.#inflight = Promise.resolve()
    }
    chain.then(settled, settled)
    return Promise.all([previous, chain]).then(() => undefined)
  }

  #synced(seq: number): void {
    this.#lastSynced = Math.max(this.#lastSynced, seq)
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.flush('written').catch(this.#onError)
    })
  }
}
