import { afterAll, describe } from 'vitest'
import { checkPostgres, testSchemas } from '../testing/postgres.js'
import { PostgresPullStore } from './postgres-pull-store.js'
import { PostgresReplayStore } from './postgres-replay-store.js'
import { runPullStoreContract } from './pull-store.contract.js'
import { runReplayStoreContract } from './replay-store.contract.js'

const postgres = await checkPostgres()
const schemas = testSchemas()
afterAll(() => schemas.dropAll())

describe.skipIf(!postgres.available)(
  postgres.title('PostgresPullStore, PostgresReplayStore'),
  () => {
    const open = () => schemas.open({ maxConnections: 2 })
    runPullStoreContract('postgres', async () => new PostgresPullStore({ database: await open() }))
    runReplayStoreContract(
      'postgres',
      async () => new PostgresReplayStore({ database: await open() }),
    )
  },
)
