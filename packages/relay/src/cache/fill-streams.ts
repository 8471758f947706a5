import type { Logger } from 'pino'
import type { SalesforceSessions } from '../salesforce/connections.js'
import type { FetchedRecord, RecordAccess } from '../salesforce/record-access.js'
import { soqlQuote } from '../salesforce/soql.js'
import type { QueryRow } from './query-pages.js'
import { queryPages } from './query-pages.js'

/** Options of {@link FillStreams}. */
export interface FillStreamsOptions {
  sessions: SalesforceSessions
  /** Where records a stream cannot give are read (by Id), and where reads are remembered. */
  access: RecordAccess
  now: () => number
  logger: Logger
  /**
   * Rows are served at most this long after their query ran (default 30 s); an older stream runs
   * its query again from where the device is. Below the puller's overlap (60 s), so a change
   * made after a row was read is still pulled once the document exists.
   */
  maxRowAgeMs?: number
  /** A stream unused this long is dropped (default 5 minutes). */
  idleMs?: number
  /** Most rows a stream holds (default 4,000); the oldest go first, and are read by Id if asked. */
  maxRows?: number
}

/** What a stream is opened with: the filter's records of one object, every field the user reads. */
export interface FillStreamInput {
  userId: string
  sobject: string
  /** The filter's SOQL condition (the user's Id already in it). */
  where: string
  /** The fields selected (system fields included): the user's view of the object. */
  fields: readonly string[]
  /** The records planned from it: only those are taken from the stream. */
  ids: ReadonlySet<string>
}

interface Stream extends FillStreamInput {
  readonly key: string
  readonly fieldSet: ReadonlySet<string>
  pages: AsyncGenerator<QueryRow[]> | null
  /** When the current query ran. */
  queriedAt: number
  /** Rows read and not yet served, in Id order. */
  rows: Map<string, QueryRow>
  /** The greatest Id read by the current query. */
  lastId: string | null
  done: boolean
  usedAt: number
  /** Serializes reads of the stream. */
  chain: Promise<unknown>
}

/**
 * Loads the records of a large cache plan with one query stream per filter and object, not one
 * query per 200 Ids: the planner opens a stream for a briefcase filter whose records it planned
 * (`WHERE <filter> ORDER BY Id`, every field the user reads, run with the user's authority), and
 * the bulk sync's document resolver takes the rows it needs from it, page by page with
 * `nextRecordsUrl` as the device asks for documents in Id order. At most `maxRows` rows are held;
 * a record the stream does not hold (not in it, evicted, or asked out of order) is read by Id.
 */
export class FillStreams implements Pick<RecordAccess, 'fetch'> {
  readonly #o: FillStreamsOptions
  readonly #streams = new Map<string, Stream>()
  readonly #maxAge: number
  readonly #idle: number
  readonly #maxRows: number

  constructor(options: FillStreamsOptions) {
    this.#o = options
    this.#maxAge = options.maxRowAgeMs ?? 30_000
    this.#idle = options.idleMs ?? 300_000
    this.#maxRows = options.maxRows ?? 4000
  }

  /** Opens (or replaces) the stream of a user's object. Nothing is read until a record is asked. */
  open(input: FillStreamInput): void {
    this.#sweep()
    const key = `${input.userId}|${input.sobject}`
    void this.#streams.get(key)?.pages?.return(undefined)
    this.#streams.set(key, {
      ...input,
      key,
      fieldSet: new Set(input.fields),
      pages: null,
      queriedAt: 0,
      rows: new Map(),
      lastId: null,
      done: false,
      usedAt: this.#o.now(),
      chain: Promise.resolve(),
    })
  }

  /** Open streams (for tests and metrics). */
  get size(): number {
    return this.#streams.size
  }

  /**
   * Records by Id with the user's authority: from the user's stream of the object where it has
   * them, by Id for the rest ({@link RecordAccess.fetch}).
   */
  async fetch(
    userId: string,
    sobject: string,
    fields: readonly string[],
    ids: readonly string[],
  ): Promise<Map<string, FetchedRecord>> {
    this.#sweep()
    const s = this.#streams.get(`${userId}|${sobject}`)
    if (!s || !fields.every((f) => s.fieldSet.has(f))) {
      return this.#o.access.fetch(userId, sobject, fields, ids)
    }
    const run = s.chain.then(() => this.#take(s, ids))
    s.chain = run.catch(() => undefined)
    const out = await run
    const rest = ids.filter((id) => !out.has(id))
    if (rest.length > 0) {
      for (const [id, r] of await this.#o.access.fetch(userId, sobject, fields, rest))
        out.set(id, r)
    }
    return out
  }

  async #take(s: Stream, ids: readonly string[]): Promise<Map<string, FetchedRecord>> {
    const out = new Map<string, FetchedRecord>()
    s.usedAt = this.#o.now()
    const asked = ids.filter((id) => s.ids.has(id)).sort()
    if (asked.length === 0) return out
    const first = asked[0] as string
    const last = asked.at(-1) as string
    try {
      // A query older than the rows may be: run it again from the first record asked.
      if (s.pages && this.#o.now() - s.queriedAt > this.#maxAge) this.#restart(s, first)
      if (!s.pages && !s.done) this.#restart(s, first)
      while (!s.done && (s.lastId === null || s.lastId < last)) {
        const next = await (s.pages as AsyncGenerator<QueryRow[]>).next()
        if (next.done) {
          s.done = true
          break
        }
        for (const row of next.value) {
          if (typeof row.Id !== 'string') continue
          s.lastId = row.Id
          if (s.ids.has(row.Id)) s.rows.set(row.Id, row)
        }
        // The oldest rows go first (the device asks in Id order: they were not wanted).
        for (const id of s.rows.keys()) {
          if (s.rows.size <= this.#maxRows) break
          s.rows.delete(id)
        }
      }
    } catch (error) {
      // The rest is read by Id (the caller's fallback); the stream is done.
      this.#o.logger.warn({ err: error, sobject: s.sobject }, 'cache fill stream failed')
      this.#close(s)
      return out
    }
    for (const id of asked) {
      const row = s.rows.get(id)
      if (!row) continue
      out.set(id, row)
      s.rows.delete(id)
      this.#o.access.grant(s.userId, id)
    }
    if (s.done && s.rows.size === 0) this.#close(s)
    return out
  }

  /** Runs the stream's query again, from `from` on (rows held are dropped: they may be stale). */
  #restart(s: Stream, from: string): void {
    void s.pages?.return(undefined)
    s.rows.clear()
    s.lastId = null
    s.done = false
    s.queriedAt = this.#o.now()
    const soql = `SELECT ${s.fields.join(', ')} FROM ${s.sobject} WHERE (${s.where}) AND Id >= ${soqlQuote(from)} ORDER BY Id`
    s.pages = (async function* (sessions: SalesforceSessions) {
      const conn = await sessions.connectionFor(s.userId)
      yield* queryPages(conn, soql, {
        max: Number.MAX_SAFE_INTEGER,
        what: `reading ${s.sobject} records`,
      })
    })(this.#o.sessions)
  }

  #close(s: Stream): void {
    s.done = true
    s.rows.clear()
    void s.pages?.return(undefined)
    if (this.#streams.get(s.key) === s) this.#streams.delete(s.key)
  }

  #sweep(): void {
    const now = this.#o.now()
    for (const s of [...this.#streams.values()]) if (now - s.usedAt > this.#idle) this.#close(s)
  }
}
