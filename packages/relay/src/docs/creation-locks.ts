import type { Leases } from '../lease/leases.js'
import type { DocKey } from '../store/relay-store.js'
import { docKeyString } from '../store/relay-store.js'

/** How long a relay waits for another relay's creation of the same document, in ms. */
const WAIT_MS = 5000
/** A creation lease is given up at the latest this long after it was taken, in ms. */
const HOLD_MS = 10_000

/**
 * Among relays sharing a store, one creates a document from Salesforce at a time: two relays
 * loading the same record at once would each write its first state, and their merge would hold
 * a long text twice. A relay takes the creation lease of the documents it is about to create,
 * waiting for another relay's, looks in the store again (the other relay may have created them
 * meanwhile), and gives the lease up once its creation is committed.
 */
export class CreationLocks {
  readonly #leases: Leases
  readonly #kind: string

  /**
   * `kind` names the work the leases guard (default `create`; `forward`: forwarding a record's
   * retired documents, ADR 0005, which may create its current documents too).
   */
  constructor(leases: Leases, kind = 'create') {
    this.#leases = leases
    this.#kind = kind
  }

  /** Takes the creation leases of `keys`, waiting up to 5 s for other relays to give them up. */
  async take(keys: readonly DocKey[]): Promise<void> {
    const names = keys.map((k) => this.#leaseOf(k))
    const end = Date.now() + WAIT_MS
    for (;;) {
      const got = await this.#leases.claim(names)
      if (names.every((n) => got.has(n)) || Date.now() > end) break
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    // Never held for ever (renewed until released): a creation that never commits lets go.
    setTimeout(() => void this.release(keys), HOLD_MS).unref()
  }

  /** Gives the creation leases of `keys` up. */
  release(keys: readonly DocKey[]): Promise<void> {
    return this.#leases.release(keys.map((k) => this.#leaseOf(k))).catch(() => undefined)
  }

  #leaseOf(key: DocKey): string {
    return `${this.#kind}:${docKeyString(key)}`
  }
}
