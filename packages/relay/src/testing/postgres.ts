import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { PostgresDatabase } from '../store/postgres-database.js'
import { openPostgresDatabase } from '../store/postgres-database.js'
import type { ServiceCheck } from './services.js'
import { checkService } from './services.js'

/** The PostgreSQL tests use: `BRIEFCASE_TEST_POSTGRES_URL`, default the local `test` database. */
export function testPostgresUrl(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return env.BRIEFCASE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
}

/** {@link checkService} for PostgreSQL at {@link testPostgresUrl}: one `SELECT 1`. */
export function checkPostgres(url: string = testPostgresUrl()): Promise<ServiceCheck> {
  return checkService({
    name: 'PostgreSQL',
    url,
    probe: async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
      try {
        await client.connect()
        await client.query('SELECT 1')
      } finally {
        await client.end().catch(() => undefined)
      }
    },
  })
}

/** Throw-away schemas for one test file: see {@link testSchemas}. */
export interface TestSchemas {
  /** The server's URL. */
  readonly url: string
  /** Closes `database` (and drops its schema) with the others. */
  track(database: PostgresDatabase): void
  /** Opens a database on a new, empty, migrated schema (`bc_t_<random>_<n>`). */
  open(options?: { maxConnections?: number }): Promise<PostgresDatabase>
  /** Closes every database opened and drops their schemas. */
  dropAll(): Promise<void>
}

/**
 * Fresh random schemas on `url`, so that test files (and engineers) running at once never share
 * a table; call `dropAll` in `afterAll`.
 *
 * @example
 * ```ts
 * const schemas = testSchemas()
 * afterAll(() => schemas.dropAll())
 * const store = new PostgresRelayStore({ database: await schemas.open() })
 * ```
 */
export function testSchemas(url: string = testPostgresUrl()): TestSchemas {
  const prefix = `bc_t_${randomBytes(5).toString('hex')}`
  const opened: PostgresDatabase[] = []
  let n = 0
  return {
    url,
    track(database) {
      opened.push(database)
    },
    async open(options = {}) {
      const database = await openPostgresDatabase({
        url,
        schema: `${prefix}_${++n}`,
        ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      })
      opened.push(database)
      return database
    },
    async dropAll() {
      await Promise.all(opened.map((d) => d.close().catch(() => undefined)))
      if (opened.length === 0) return
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        for (const schema of new Set(opened.map((d) => d.schema)))
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}
