/**
 * Runs a load again whenever asked, coalescing requests made in the same task and dropping the
 * results of loads a newer one overtook (events arrive in bursts during a sync).
 */
export class LatestLoad<T> {
  readonly #load: () => Promise<T>
  readonly #apply: (value: T) => void
  readonly #fail: (error: unknown) => void
  #generation = 0
  #scheduled = false

  constructor(load: () => Promise<T>, apply: (value: T) => void, fail: (error: unknown) => void) {
    this.#load = load
    this.#apply = apply
    this.#fail = fail
  }

  /** Loads soon (once for every request made before it starts). */
  schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      void this.run()
    })
  }

  /** Loads now; resolves once the result is applied (or dropped as stale). */
  async run(): Promise<void> {
    const generation = ++this.#generation
    try {
      const value = await this.#load()
      if (generation === this.#generation) this.#apply(value)
    } catch (error) {
      if (generation === this.#generation) this.#fail(error)
    }
  }

  /** Drops the result of any load in flight. */
  cancel(): void {
    this.#generation++
  }
}
