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
  /** The current chunk's pages, and its next page asked for ahead of need. */
  pages: AsyncGenerator<QueryRow[]> | null
  ahead: Promise<IteratorResult<QueryRow[]>> | null
  /** When the current chunk's query ran, and how many rows it gave so far. */
  queriedAt: number
  chunkRows: number
  /** Rows read and not yet served, in Id order, with when their query ran. */
  rows: Map<string, { row: QueryRow; at: number }>
  /** The greatest Id read. */
  lastId: string | null
  done: boolean
  usedAt: number
  /** Serializes reads of the stream. */
  chain: Promise<unknown>
}

/**
 * Rows per query: the stream reads its records in chunks of this many (`Id > <last>`, two pages),
 * so that no query (nor Salesforce's cursor behind it) spans a whole large fill.
 */
const CHUNK_ROWS = 4000

/**
 * Loads the records of a large cache plan with one query stream per filter and object, not one
 * query per 200 Ids: the planner opens a stream for a briefcase filter whose records it planned
 * (`WHERE <filter> ORDER BY Id`, every field the user reads, run with the user's authority), and
 * the bulk sync's document resolver takes the rows it needs from it, page by page with
 * `nextRecordsUrl` (in chunks of {@link CHUNK_ROWS} by Id) as the device asks for documents in Id
 * order. At most `maxRows` rows are held; a record the stream does not hold (not in it, evicted,
 * asked out of order, or read too long ago) is read by Id.
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
      ahead: null,
      queriedAt: 0,
      chunkRows: 0,
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
    const now = this.#o.now()
    s.usedAt = now
    const asked = ids.filter((id) => s.ids.has(id)).sort()
    if (asked.length === 0) return out
    const first = asked[0] as string
    const last = asked.at(-1) as string
    try {
      // No query yet, or one older than rows may be: read again from the first record asked.
      if (!s.pages || now - s.queriedAt > this.#maxAge) this.#query(s, first, true)
      while (!s.done && (s.lastId === null || s.lastId < last)) {
        const next = await this.#nextPage(s)
        if (next.done) {
          // A chunk shorter than asked was the last one; else the next starts after it.
          if (s.chunkRows < CHUNK_ROWS || s.lastId === null) s.done = true
          else this.#query(s, s.lastId, false)
          continue
        }
        s.chunkRows += next.value.length
        for (const row of next.value) {
          if (typeof row.Id !== 'string') continue
          s.lastId = row.Id
          if (s.ids.has(row.Id)) s.rows.set(row.Id, { row, at: s.queriedAt })
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
      const held = s.rows.get(id)
      if (!held) continue
      s.rows.delete(id)
      if (now - held.at > this.#maxAge) continue
      out.set(id, held.row)
      this.#o.access.grant(s.userId, id)
    }
    if (s.done && s.rows.size === 0) this.#close(s)
    return out
  }

  /** The chunk's next page; the one after it is asked for at once (Salesforce's latency hidden). */
  async #nextPage(s: Stream): Promise<IteratorResult<QueryRow[]>> {
    const pages = s.pages as AsyncGenerator<QueryRow[]>
    const next = await (s.ahead ?? pages.next())
    s.ahead = next.done ? null : pages.next()
    // Its failure is met when it is awaited, or never if the stream stops first.
    s.ahead?.catch(() => undefined)
    return next
  }

  /**
   * Starts a chunk: the records from `from` on (`inclusive`) or after it. A chunk from the first
   * record asked drops the rows held (they are older than may be served, or before it).
   */
  #query(s: Stream, from: string, inclusive: boolean): void {
    void s.pages?.return(undefined)
    s.ahead = null
    if (inclusive) {
      s.rows.clear()
      s.lastId = null
    }
    s.done = false
    s.queriedAt = this.#o.now()
    s.chunkRows = 0
    const soql = `SELECT ${s.fields.join(', ')} FROM ${s.sobject} WHERE (${s.where}) AND Id ${inclusive ? '>=' : '>'} ${soqlQuote(from)} ORDER BY Id LIMIT ${CHUNK_ROWS}`
    s.pages = (async function* (sessions: SalesforceSessions) {
      const conn = await sessions.connectionFor(s.userId)
      yield* queryPages(conn, soql, { max: CHUNK_ROWS, what: `reading ${s.sobject} records` })
    })(this.#o.sessions)
  }

  #close(s: Stream): void {
    s.done = true
    s.rows.clear()
    s.ahead = null
    void s.pages?.return(undefined)
    if (this.#streams.get(s.key) === s) this.#streams.delete(s.key)
  }

  #sweep(): void {
    const now = this.#o.now()
    for (const s of [...this.#streams.values()]) if (now - s.usedAt > this.#idle) this.#close(s)
  }
}
