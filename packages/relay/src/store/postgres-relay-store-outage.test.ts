import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { checkPostgres, testPostgresUrl, testSchemas } from '../testing/postgres.js'
import { startTcpProxy } from '../testing/tcp-proxy.js'
import { openPostgresDatabase } from './postgres-database.js'
import { PostgresRelayStore } from './postgres-relay-store.js'
import { docKeyString } from './relay-store.js'
import { StoreErrorCode } from './store-errors.js'

const postgres = await checkPostgres()
const target = new URL(testPostgresUrl())
const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
const through = new URL(target)
through.port = String(proxy.port)
through.password = 'not-shown'
const schemas = testSchemas(through.toString())
afterAll(async () => {
  proxy.restore()
  await schemas.dropAll()
  await proxy.close()
})

const key = { name: 'Account/001000000000001AAA', group: 'g' }
const meta = { sobject: 'Account', key: '001000000000001AAA', engine: 'yjs' }
const dataOf = async (store: PostgresRelayStore): Promise<number[][]> =>
  ((await store.loadDocs([key])).get(docKeyString(key))?.updates ?? []).map((u) => [...u.data])

describe.skipIf(!postgres.available)(
  postgres.title('PostgresRelayStore when PostgreSQL goes away'),
  () => {
    it('refuses commits while PostgreSQL cannot be reached, then accepts them again by itself', async () => {
      const store = new PostgresRelayStore({ database: await schemas.open() })
      await store.commit([{ key, meta, updates: [new Uint8Array([1])] }])
      proxy.cut()
      const refused = store.commit([{ key, updates: [new Uint8Array([2])] }])
      await expect(refused).rejects.toMatchObject({
        name: 'StoreError',
        code: StoreErrorCode.unavailable,
      })
      await expect(store.getSession('s1')).rejects.toMatchObject({
        code: StoreErrorCode.unavailable,
      })
      proxy.restore()
      // The device still holds update 2 and sends it again.
      await store.commit([{ key, updates: [new Uint8Array([2])] }])
      expect(await dataOf(store)).toEqual([[1], [2]])
    })

    it('gets over its connections being terminated (pg_terminate_backend)', async () => {
      const database = await schemas.open()
      const store = new PostgresRelayStore({ database })
      await store.commit([{ key, meta, updates: [new Uint8Array([1])] }])
      // Two statements: within one, PostgreSQL may call pg_terminate_backend before the filter.
      const admin = new pg.Client({ connectionString: testPostgresUrl() })
      await admin.connect()
      try {
        const { rows } = await admin.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
          [`briefcase-relay:${database.schema}`],
        )
        expect(rows.length).toBeGreaterThan(0)
        await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
          rows.map((r) => r.pid),
        ])
      } finally {
        await admin.end()
      }
      // Whether the pool noticed yet or not, a refused commit is retried by its device: at most one
      // refusal, then the pool has fresh connections.
      const update = [new Uint8Array([2])]
      await store.commit([{ key, updates: update }]).catch(async (error: unknown) => {
        expect(error).toMatchObject({ code: StoreErrorCode.unavailable })
        await store.commit([{ key, updates: update }])
      })
      expect(await dataOf(store)).toEqual([[1], [2]])
    })

    it('names the URL, without its password, when PostgreSQL does not answer at start', async () => {
      proxy.cut()
      try {
        await expect(
          openPostgresDatabase({ url: through.toString(), schema: 'bc_never_created' }),
        ).rejects.toMatchObject({
          name: 'StoreError',
          code: StoreErrorCode.unreachable,
          message: expect.stringMatching(
            new RegExp(
              `^PostgreSQL at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${proxy.port}/test does not answer`,
            ),
          ) as unknown,
        })
      } finally {
        proxy.restore()
      }
    })
  },
)
