/**
 * Who does what among relays sharing one store: a lease names a piece of work (projecting one
 * record, pulling Salesforce's changes) and is held by one relay at a time, until it stops
 * renewing it (it died) and another takes it over.
 */
export interface Leases {
  /** This relay's name in the lease table. */
  readonly holder: string
  /** True when other relays compete for the same leases. */
  readonly shared: boolean
  /**
   * Takes those of `names` that are free or expired and renews those this relay holds; resolves
   * with the ones it holds now. Leases taken are renewed on a heartbeat until released.
   */
  claim(names: readonly string[]): Promise<Set<string>>
  /** Whether this relay holds `name` now (held at its last renewal, not expired since). */
  holds(name: string): boolean
  /** Gives leases up (all of this relay's without `names`), so that others may take them at once. */
  release(names?: readonly string[]): Promise<void>
  /** Stops renewing and gives every lease up. */
  close(): Promise<void>
}

/** The lease of projecting a record (all of its documents). */
export function recordLease(name: string): string {
  return `record:${name}`
}

/** The lease of pulling Salesforce's changes (the change stream and the polls). */
export const PULL_LEASE = 'pull'

/** The leases of a relay that is alone (the embedded SQLite store): it holds everything. */
export class LocalLeases implements Leases {
  readonly holder: string
  readonly shared = false

  constructor(holder = 'local') {
    this.holder = holder
  }

  claim(names: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(names))
  }

  holds(): boolean {
    return true
  }

  release(): Promise<void> {
    return Promise.resolve()
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}
