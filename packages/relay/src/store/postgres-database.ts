import { createHash } from 'node:crypto'
import type pg from 'pg'
import { migratePostgres } from './postgres-schema.js'
import { StoreError, StoreErrorCode, isStoreError, redactUrl } from './store-errors.js'

/** Options of {@link openPostgresDatabase}. */
export interface PostgresDatabaseOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string
  /** Schema holding the relay's tables, created when missing (default `public`). */
  schema?: string
  /** Most connections the pool opens (default 10). */
  maxConnections?: number
  /** How long a query waits for a connection before failing as unavailable, in ms (default 5000). */
  connectTimeoutMs?: number
  /** Receives errors of idle connections (a restarted server, a cut network); default: ignored. */
  onIgnoredError?: (error: Error) => void
}

/** Something that runs a parameterised statement: the pool, or one transaction's client. */
export interface PostgresQueryable {
  query<R extends object>(sql: string, values?: readonly unknown[]): Promise<R[]>
  /** Runs statements without parameters as they are (the simple protocol: several may follow). */
  exec(sql: string): Promise<void>
}

/** Options of {@link PostgresDatabase.transaction}. */
export interface PostgresTransactionOptions {
  /** `false`: `synchronous_commit = off` for this transaction (default `true`). */
  synchronousCommit?: boolean
  /** A read-only snapshot (`REPEATABLE READ READ ONLY`) instead of a read-write transaction. */
  snapshot?: boolean
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/
const INT8_OID = 20
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown (pg_terminate_backend, a server stopping)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (a server starting)
  '53300', // too_many_connections
])
const UNAVAILABLE_MESSAGE = /Connection terminated|connection error|timeout exceeded|not queryable/i

/** Type parsers of `pg` with BIGINT as a number (our BIGINTs are ms timestamps and sequences). */
function int8AsNumber(types: typeof pg.types): typeof pg.types.getTypeParser {
  return ((oid: number, format: 'text' | 'binary' = 'text'): unknown =>
    oid === INT8_OID && format === 'text'
      ? (value: string) => Number(value)
      : (types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser
}

/** True when a driver error means the server cannot be reached (rather than a bad statement). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08')))
    return true
  return UNAVAILABLE_MESSAGE.test(error.message)
}

/**
 * One PostgreSQL connection pool and schema shared by the relay's PostgreSQL stores
 * (`PostgresRelayStore`, `PostgresProjectionStore`, `PostgresPullStore`,
 * `PostgresReplayStore`). Every statement is prepared by name on each connection; a statement
 * that fails because the server cannot be reached rejects with a {@link StoreError} coded
 * `BRIEFCASE_STORE_UNAVAILABLE`, and the pool opens fresh connections once it answers again.
 * Build it with {@link openPostgresDatabase}.
 */
export class PostgresDatabase implements PostgresQueryable {
  /** The schema the tables live in. */
  readonly schema: string
  /** The URL without its password. */
  readonly url: string
  readonly #pool: pg.Pool
  readonly #names = new Map<string, string>()
  readonly #onIgnoredError: (error: Error) => void

  /** Use {@link openPostgresDatabase}, which also checks the server and migrates. */
  constructor(
    pool: pg.Pool,
    schema: string,
    url: string,
    onIgnoredError: (error: Error) => void = () => undefined,
  ) {
    this.#pool = pool
    this.schema = schema
    this.url = url
    this.#onIgnoredError = onIgnoredError
    pool.on('error', onIgnoredError)
  }

  /** Runs one statement outside any transaction and returns its rows. */
  async query<R extends object>(sql: string, values: readonly unknown[] = []): Promise<R[]> {
    try {
      const result = await this.#pool.query<R>(this.#statement(sql, values))
      return result.rows
    } catch (error) {
      throw this.#translate(error)
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.#pool.query(sql)
    } catch (error) {
      throw this.#translate(error)
    }
  }

  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  async transaction<T>(
    fn: (tx: PostgresQueryable) => Promise<T>,
    options: PostgresTransactionOptions = {},
  ): Promise<T> {
    let client: pg.PoolClient
    try {
      client = await this.#pool.connect()
    } catch (error) {
      throw this.#translate(error)
    }
    const tx: PostgresQueryable = {
      query: async <R extends object>(sql: string, values: readonly unknown[] = []) =>
        (await client.query<R>(this.#statement(sql, values))).rows,
      exec: async (sql: string) => {
        await client.query(sql)
      },
    }
    // A checked-out client has no error listener of the pool's: a connection lost between two
    // statements would be an unhandled 'error' event (a crash) without this one.
    let broken = false
    const onLost = (error: Error): void => {
      broken = true
      this.#onIgnoredError(error)
    }
    client.on('error', onLost)
    try {
      await client.query(
        options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN',
      )
      if (options.synchronousCommit === false) {
        await client.query('SET LOCAL synchronous_commit = off')
      }
      const result = await fn(tx)
      await client.query('COMMIT')
      return result
    } catch (error) {
      broken ||= isConnectionError(error)
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true))
      throw this.#translate(error)
    } finally {
      client.removeListener('error', onLost)
      client.release(broken)
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.#pool.end()
  }

  /** A named (prepared) statement: one name per SQL text, so each connection parses it once. */
  #statement(sql: string, values: readonly unknown[]): pg.QueryConfig {
    let name = this.#names.get(sql)
    if (!name) {
      name = `bc_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`
      this.#names.set(sql, name)
    }
    return { name, text: sql, values: [...values] }
  }

  #translate(error: unknown): Error {
    if (!isConnectionError(error)) return error instanceof Error ? error : new Error(String(error))
    return new StoreError(
      StoreErrorCode.unavailable,
      `PostgreSQL at ${this.url} is unavailable: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

/**
 * Opens a pool on `url`, checks that the server answers and applies the migrations the schema
 * lacks (safe when several relays start at once). Rejects with a {@link StoreError} coded
 * `BRIEFCASE_STORE_UNREACHABLE`, naming the URL without its password, when the server does not
 * answer.
 *
 * @example
 * ```ts
 * const database = await openPostgresDatabase({ url: 'postgres://relay@127.0.0.1/relay' })
 * const store = new PostgresRelayStore({ database })
 * ```
 */
export async function openPostgresDatabase(
  options: PostgresDatabaseOptions,
): Promise<PostgresDatabase> {
  const schema = options.schema ?? 'public'
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`A schema name is lower-case letters, digits and _, got "${schema}".`)
  }
  const url = redactUrl(options.url)
  // pg is loaded here, not when the relay's entry is imported: a relay on SQLite never loads it.
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: `briefcase-relay:${schema}`.slice(0, 63),
    // `synced` commits are flushed whatever the server's default; `written` ones turn it off.
    options: `-c search_path=${schema} -c synchronous_commit=on`,
    types: { getTypeParser: int8AsNumber(pg.types) },
  })
  const database = new PostgresDatabase(pool, schema, url, options.onIgnoredError)
  try {
    await migratePostgres(database)
  } catch (error) {
    await pool.end().catch(() => undefined)
    if (!isConnectionError(error) && !isStoreError(error, StoreErrorCode.unavailable)) throw error
    const cause = (error as Error).cause ?? error
    throw new StoreError(
      StoreErrorCode.unreachable,
      `PostgreSQL at ${url} does not answer: ${(cause as Error).message}`,
      { cause },
    )
  }
  return database
}
