import { runReplayStoreContract } from './replay-store.contract.js'
import { SqliteReplayStore } from './sqlite-replay-store.js'

runReplayStoreContract('sqlite (memory)', () => new SqliteReplayStore())
