import type { SalesforceSessions } from './connections.js'
import { fromSalesforceError } from './salesforce-errors.js'
import { MAX_IDS_PER_QUERY, byIdsSoql, chunks } from './soql.js'

/** Options of {@link RecordAccess}. */
export interface RecordAccessOptions {
  sessions: SalesforceSessions
  now: () => number
  /** How long a "may read" answer is trusted (default 60 s). */
  ttlMs?: number
}

/** A record fetched with a user's authority: its fields as Salesforce returned them. */
export type FetchedRecord = Record<string, unknown>

/**
 * Which records a user may read, asked of Salesforce with the user's own authority (a SOQL query
 * by Id: sharing and object permissions decide) and trusted briefly. A later 403/404 from
 * Salesforce drops the answer ({@link RecordAccess.forget}).
 */
export class RecordAccess {
  readonly #sessions: SalesforceSessions
  readonly #now: () => number
  readonly #ttl: number
  readonly #granted = new Map<string, number>()

  constructor(options: RecordAccessOptions) {
    this.#sessions = options.sessions
    this.#now = options.now
    this.#ttl = options.ttlMs ?? 60_000
  }

  /** Records that `userId` may read `id` (a query with their authority returned it). */
  grant(userId: string, id: string): void {
    this.#granted.set(`${userId}|${id}`, this.#now())
  }

  /** Drops what is known of a record's access, for one user or for everyone. */
  forget(id: string, userId?: string): void {
    if (userId !== undefined) {
      this.#granted.delete(`${userId}|${id}`)
      return
    }
    for (const k of [...this.#granted.keys()]) if (k.endsWith(`|${id}`)) this.#granted.delete(k)
  }

  /** True when a fresh answer says the user may read the record. */
  knows(userId: string, id: string): boolean {
    const at = this.#granted.get(`${userId}|${id}`)
    if (at === undefined) return false
    if (this.#now() - at < this.#ttl) return true
    this.#granted.delete(`${userId}|${id}`)
    return false
  }

  /**
   * The Ids among `ids` the user may read: fresh answers from the cache, the rest asked of
   * Salesforce in queries of at most {@link MAX_IDS_PER_QUERY} Ids. Throws a `RelayError` when
   * Salesforce cannot answer.
   */
  async readable(userId: string, sobject: string, ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>()
    const ask: string[] = []
    for (const id of new Set(ids)) {
      if (this.knows(userId, id)) out.add(id)
      else ask.push(id)
    }
    if (ask.length === 0) return out
    // Deleted records the user could read still sync (their documents carry the deletion).
    const rows = await this.fetch(userId, sobject, ['Id'], ask, { includeDeleted: true })
    for (const id of rows.keys()) out.add(id)
    return out
  }

  /**
   * Fetches records by Id with the user's authority (the fields given, `Id` always), in queries
   * of at most {@link MAX_IDS_PER_QUERY} Ids (`includeDeleted`: the recycle bin too, through
   * `queryAll`), and remembers that the user may read them.
   */
  async fetch(
    userId: string,
    sobject: string,
    fields: readonly string[],
    ids: readonly string[],
    options: { includeDeleted?: boolean } = {},
  ): Promise<Map<string, FetchedRecord>> {
    const conn = await this.#sessions.connectionFor(userId)
    const select = fields.includes('Id') ? fields : ['Id', ...fields]
    const out = new Map<string, FetchedRecord>()
    try {
      await Promise.all(
        chunks([...new Set(ids)], MAX_IDS_PER_QUERY).map(async (part) => {
          const result = await conn.query<FetchedRecord>(byIdsSoql(sobject, select, part), {
            autoFetch: true,
            maxFetch: part.length,
            scanAll: options.includeDeleted === true,
          })
          for (const r of result.records) if (typeof r.Id === 'string') out.set(r.Id, r)
        }),
      )
    } catch (error) {
      throw fromSalesforceError(error, `reading ${sobject} records`)
    }
    for (const id of out.keys()) this.grant(userId, id)
    return out
  }
}
