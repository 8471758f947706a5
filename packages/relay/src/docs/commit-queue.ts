import type { Durability, RelayStore } from '../store/relay-store.js'
import { CommitBatch } from './commit-batch.js'
import type { QueuedUpdate } from './commit-batch.js'
import type { HotDoc } from './hot-doc.js'

/**
 * Commits a batch as `written` (the store's transaction, then the listeners: a live update is
 * broadcast once it is in the WAL); resolves when done (the batch settles its waiters).
 */
export type CommitFn = (batch: CommitBatch) => Promise<void>

/**
 * Group commit: changes made meanwhile gather in one batch, committed in one `written`
 * transaction, one batch at a time, in order. A `synced` flush then waits for one store sync
 * (fsync) that began after its batch was written; syncs run beside the write chain, never in it
 * (a broadcast never waits for a disk flush), and every flush waiting at once shares the next one.
 */
export class CommitQueue {
  readonly #store: RelayStore
  readonly #commit: CommitFn
  readonly #onError: (error: unknown) => void
  #batch = new CommitBatch()
  readonly #committing = new Set<CommitBatch>()
  /** The last write dispatched (rejects when its commit failed). */
  #written: Promise<void> = Promise.resolve()
  /** The sync running, and the one queued to start after it (shared by its waiters). */
  #syncing: Promise<void> | null = null
  #nextSync: Promise<void> | null = null
  #scheduled = false

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

  /** Queues a recomputation of a document's pending row, written at commit if it changed. */
  recheck(hot: HotDoc): void {
    this.#batch.entry(hot).recheck = true
    this.#schedule()
  }

  /** True when a document has changes queued or being committed (never evict it then). */
  holds(hot: HotDoc): boolean {
    if (this.#batch.docs.has(hot)) return true
    for (const b of this.#committing) if (b.docs.has(hot)) return true
    return false
  }

  /** True when a document has changes in the batch still gathering (not yet being committed). */
  gathering(hot: HotDoc): boolean {
    return this.#batch.docs.has(hot)
  }

  /**
   * Resolves when every change queued so far is committed (`synced`: fsynced too), rejects when
   * its commit failed.
   */
  flush(durability: Durability): Promise<void> {
    const batch = this.#batch
    const previous = this.#written
    let written = previous
    if (!batch.empty) {
      this.#batch = new CommitBatch()
      this.#committing.add(batch)
      written = previous
        .catch(() => undefined)
        .then(() => this.#commit(batch))
        .finally(() => this.#committing.delete(batch))
        .then(() => batch.done)
      this.#written = written
      const settled = (): void => {
        if (this.#written === written) this.#written = Promise.resolve()
      }
      written.then(settled, settled)
    }
    const done = Promise.all([previous, written]).then(() => undefined)
    return durability === 'written' ? done : done.then(() => this.#sync())
  }

  /** A store sync that starts after this call: the next one queued, shared by its waiters. */
  #sync(): Promise<void> {
    if (this.#nextSync) return this.#nextSync
    const next = (this.#syncing ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.#nextSync = null
        this.#syncing = next
        return this.#store.sync()
      })
      .finally(() => {
        if (this.#syncing === next) this.#syncing = null
      })
    this.#nextSync = next
    return next
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
