import type { SalesforceSessions } from './connections.js'
import { fromSalesforceError } from './salesforce-errors.js'
import { MAX_IDS_PER_QUERY, chunks, soqlQuote } from './soql.js'

/** What a user may do to one record, as Salesforce's sharing says. */
export interface RecordRight {
  read: boolean
  edit: boolean
  delete: boolean
}

/** Options of {@link RecordRights}. */
export interface RecordRightsOptions {
  sessions: SalesforceSessions
  now: () => number
  /** How long an answer is trusted (default 60 s). */
  ttlMs?: number
  /**
   * How long an answer is trusted for a record the user holds open on a live socket, whose
   * access re-checks (periodic, before puller passes, after a 403/404) refresh it (default 5 min).
   */
  heldTtlMs?: number
}

/** Options of {@link RecordRights.of}. */
export interface RightsQuestion {
  /**
   * The records are held open on live sockets, re-checked by the access re-checks: answers are
   * trusted for the longer held time.
   */
  held?: boolean
}

const NONE: RecordRight = { read: false, edit: false, delete: false }

interface AccessRow {
  RecordId?: unknown
  HasReadAccess?: unknown
  HasEditAccess?: unknown
  HasDeleteAccess?: unknown
}

/**
 * Record-level rights (read, edit, delete) of users, asked of Salesforce's `UserRecordAccess`
 * with the user's own session (at most 200 records a query) and trusted briefly (longer for a
 * record held open on a live socket, whose access re-checks refresh the answer). Object
 * permissions and field-level security are the describe's; this is sharing: whose record it is.
 * A later 403/404 from Salesforce, or an ownership change the puller sees, drops the answer
 * ({@link RecordRights.forget}).
 *
 * @example
 * ```ts
 * const rights = new RecordRights({ sessions, now: Date.now })
 * const right = (await rights.of('005…', ['001…'])).get('001…') // { read, edit, delete }
 * ```
 */
export class RecordRights {
  readonly #sessions: SalesforceSessions
  readonly #now: () => number
  readonly #ttl: number
  readonly #heldTtl: number
  readonly #known = new Map<string, { at: number; right: RecordRight }>()

  constructor(options: RecordRightsOptions) {
    this.#sessions = options.sessions
    this.#now = options.now
    this.#ttl = options.ttlMs ?? 60_000
    this.#heldTtl = Math.max(this.#ttl, options.heldTtlMs ?? 300_000)
  }

  /** Drops what is known of a record's rights, for one user or for everyone. */
  forget(id: string, userId?: string): void {
    if (userId !== undefined) {
      this.#known.delete(`${userId}|${id}`)
      return
    }
    for (const k of [...this.#known.keys()]) if (k.endsWith(`|${id}`)) this.#known.delete(k)
  }

  /** The user's rights to one record when a fresh answer is known (no call); else undefined. */
  known(userId: string, id: string, question: RightsQuestion = {}): RecordRight | undefined {
    const known = this.#known.get(`${userId}|${id}`)
    const ttl = question.held === true ? this.#heldTtl : this.#ttl
    return known && this.#now() - known.at < ttl ? known.right : undefined
  }

  /**
   * The user's rights to each of `ids`: fresh answers from the cache, the rest asked of
   * Salesforce. Throws a `RelayError` when Salesforce cannot answer.
   */
  async of(
    userId: string,
    ids: readonly string[],
    question: RightsQuestion = {},
  ): Promise<Map<string, RecordRight>> {
    const out = new Map<string, RecordRight>()
    const ask: string[] = []
    const at = this.#now()
    const ttl = question.held === true ? this.#heldTtl : this.#ttl
    for (const id of new Set(ids)) {
      const known = this.#known.get(`${userId}|${id}`)
      if (known && at - known.at < ttl) out.set(id, known.right)
      else ask.push(id)
    }
    if (ask.length === 0) return out
    const conn = await this.#sessions.connectionFor(userId)
    // Salesforce answers with 18-character Ids: each row goes to the first Id asked with its
    // 15-character form (a lookup, not a scan of every Id asked for every row).
    const byShortId = new Map<string, string>()
    for (const id of ask) if (!byShortId.has(id.slice(0, 15))) byShortId.set(id.slice(0, 15), id)
    try {
      await Promise.all(
        chunks(ask, MAX_IDS_PER_QUERY).map(async (part) => {
          const soql =
            'SELECT RecordId, HasReadAccess, HasEditAccess, HasDeleteAccess FROM UserRecordAccess' +
            ` WHERE UserId = ${soqlQuote(userId)} AND RecordId IN (${part.map(soqlQuote).join(', ')})`
          const result = await conn.query<AccessRow>(soql)
          for (const row of result.records) {
            if (typeof row.RecordId !== 'string') continue
            const right = {
              read: row.HasReadAccess === true,
              edit: row.HasEditAccess === true,
              delete: row.HasDeleteAccess === true,
            }
            const id = byShortId.get(row.RecordId.slice(0, 15))
            if (id !== undefined) out.set(id, right)
          }
        }),
      )
    } catch (error) {
      throw fromSalesforceError(error, 'reading record access')
    }
    for (const id of ask) {
      const right = out.get(id) ?? NONE
      out.set(id, right)
      this.#known.set(`${userId}|${id}`, { at, right })
    }
    return out
  }
}
