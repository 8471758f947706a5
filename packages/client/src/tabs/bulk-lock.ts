/**
 * Runs bulk syncs one at a time: across the tabs of a user with the Web Locks API
 * (`navigator.locks.request(name, …)`), or within this client where there is none (Node).
 */
export class BulkLock {
  readonly #locks: LockManager | null
  readonly #name: string
  #chain: Promise<unknown> = Promise.resolve()

  constructor(locks: LockManager | null, name: string) {
    this.#locks = locks
    this.#name = name
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    // The local chain also orders this client's own syncs, so a Web Lock request is never
    // queued behind another request of the same client.
    const start = (): Promise<T> =>
      this.#locks ? (this.#locks.request(this.#name, work) as Promise<T>) : work()
    const next = this.#chain.then(start, start)
    this.#chain = next.catch(() => undefined)
    return next
  }
}
