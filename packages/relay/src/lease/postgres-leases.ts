import type { Logger } from 'pino'
import type { PostgresQueryable } from '../store/postgres-database.js'
import type { Leases } from './leases.js'

/** Options of {@link PostgresLeases}. */
export interface PostgresLeasesOptions {
  /** The relay store's database (its `relay_lease` table). */
  database: PostgresQueryable
  /** This relay's name (its bus id, say): unique among the relays. */
  holder: string
  logger: Logger
  /** How long a lease lasts without renewal, in ms (default 10 000): a dead relay's work waits this long. */
  ttlMs?: number
  /** How often held leases are renewed, in ms (default a third of the TTL). */
  renewMs?: number
  /** Local clock in ms (default `performance.now`-based); expiry in the table is the server's clock. */
  now?: () => number
}

const CLAIM = `
  INSERT INTO relay_lease (name, holder, expires_at)
  SELECT unnest($1::text[]), $2, clock_timestamp() + make_interval(secs => $3)
  ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
  WHERE relay_lease.holder = EXCLUDED.holder OR relay_lease.expires_at < clock_timestamp()
  RETURNING name`

/**
 * Leases in PostgreSQL: a row per lease (`relay_lease`: name, holder, expiry by the server's
 * clock). A claim takes a row that is free, expired or already this relay's, in one statement; a
 * heartbeat renews what is held. Locally a lease counts as held until its TTL after the start of
 * the claim that last renewed it, so a relay that stalls stops before another may take over.
 */
export class PostgresLeases implements Leases {
  readonly holder: string
  readonly shared = true
  readonly #db: PostgresQueryable
  readonly #logger: Logger
  readonly #ttlMs: number
  readonly #now: () => number
  /** Held leases and when they lapse locally. */
  readonly #held = new Map<string, number>()
  readonly #timer: ReturnType<typeof setInterval>
  #closed = false

  constructor(options: PostgresLeasesOptions) {
    this.#db = options.database
    this.holder = options.holder
    this.#logger = options.logger
    this.#ttlMs = options.ttlMs ?? 10_000
    this.#now = options.now ?? (() => performance.now())
    this.#timer = setInterval(() => this.#renew(), options.renewMs ?? this.#ttlMs / 3)
    this.#timer.unref()
  }

  async claim(names: readonly string[]): Promise<Set<string>> {
    if (this.#closed || names.length === 0) return new Set()
    // One order for every relay: rows are locked in it, so concurrent claims never deadlock.
    const unique = [...new Set(names)].sort()
    const started = this.#now()
    const rows = await this.#db.query<{ name: string }>(CLAIM, [
      unique,
      this.holder,
      this.#ttlMs / 1000,
    ])
    const got = new Set(rows.map((r) => r.name))
    for (const name of unique) {
      if (got.has(name)) this.#held.set(name, started + this.#ttlMs)
      else this.#held.delete(name)
    }
    return got
  }

  holds(name: string): boolean {
    const until = this.#held.get(name)
    return until !== undefined && until > this.#now()
  }

  async release(names?: readonly string[]): Promise<void> {
    const list = names ? [...names] : [...this.#held.keys()]
    for (const name of list) this.#held.delete(name)
    if (list.length === 0) return
    await this.#db.query('DELETE FROM relay_lease WHERE holder = $1 AND name = ANY($2::text[])', [
      this.holder,
      list,
    ])
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    await this.release().catch((error: unknown) =>
      this.#logger.warn({ err: error }, 'releasing leases failed'),
    )
  }

  #renew(): void {
    if (this.#closed || this.#held.size === 0) return
    const names = [...this.#held.keys()]
    this.claim(names).then(
      (got) => {
        const lost = names.filter((n) => !got.has(n))
        if (lost.length > 0) this.#logger.warn({ lost: lost.length }, 'leases taken over')
      },
      (error: unknown) => this.#logger.warn({ err: error }, 'renewing leases failed'),
    )
  }
}
