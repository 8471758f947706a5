import { afterAll, describe } from 'vitest'
import { checkPostgres, testSchemas } from '../testing/postgres.js'
import { PostgresProjectionStore } from './postgres-projection-store.js'
import { runProjectionStoreContract } from './projection-store.contract.js'

const postgres = await checkPostgres()
const schemas = testSchemas()
afterAll(() => schemas.dropAll())

describe.skipIf(!postgres.available)(postgres.title('PostgresProjectionStore'), () => {
  runProjectionStoreContract(
    'postgres',
    async () =>
      new PostgresProjectionStore({ database: await schemas.open({ maxConnections: 2 }) }),
  )
})
