import { runPullStoreContract } from './pull-store.contract.js'
import { SqlitePullStore } from './sqlite-pull-store.js'

runPullStoreContract('sqlite (memory)', () => new SqlitePullStore())
