/**
 * A relay process for the crash test: the relay's SQLite store and document hub on a file, and
 * the projector writing to an org served by the test process. It runs one projection and exits.
 *
 * Environment (set by relay-crash.test.ts):
 * - CRASH_DB: the SQLite file; CRASH_ORG: the org's URL; CRASH_TOKENS: JSON user Id → token.
 * - CRASH_STAGE / CRASH_AT: kill this process with SIGKILL at the CRASH_AT-th time the projector
 *   reaches that stage (none: run to the end).
 * Prints `READY` once it starts projecting and `DONE <report>` at the end.
 *
 * Run with `tsx --conditions=@briefcase/source`.
 */
import { yjsEngine } from '@briefcase/record'
import { DocHub, SqliteRelayStore } from '@briefcase/relay'
import { Connection } from 'jsforce'
// Until @briefcase/relay re-exports the projection (see the report to the relay core).
import type { ProjectionStage } from '../../packages/relay/src/projection/index.js'
import {
  SqliteProjectionStore,
  createProjector,
  hubDocs,
} from '../../packages/relay/src/projection/index.js'

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
  delete process.env[name]

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

const quiet = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => quiet,
}

const store = new SqliteRelayStore({ file: env('CRASH_DB') })
const hub = new DocHub({
  store,
  engine: yjsEngine,
  logger: quiet as unknown as ConstructorParameters<typeof DocHub>[0]['logger'],
})
const tokens = JSON.parse(env('CRASH_TOKENS')) as Record<string, string>
const connections = new Map(
  Object.entries(tokens).map(([user, accessToken]) => [
    user,
    new Connection({ instanceUrl: env('CRASH_ORG'), accessToken, version: '62.0' }),
  ]),
)
const target = process.env.CRASH_STAGE
const at = Number(process.env.CRASH_AT ?? '1')
let seen = 0

const projector = createProjector({
  docs: hubDocs(hub),
  store: new SqliteProjectionStore({ database: store.database }),
  salesforce: { connection: (user) => Promise.resolve(connections.get(user)) },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
  // A call the killed relay sent lands within a few milliseconds here (the org is local).
  options: { inFlightSettleMs: 300 },
  onStage: (stage: ProjectionStage) => {
    process.stdout.write(`STAGE ${stage}\n`)
    if (stage === target && ++seen === at) process.kill(process.pid, 'SIGKILL')
  },
})

process.stdout.write('READY\n')
const report = await projector.runOnce()
await hub.close()
await store.close()
process.stdout.write(`DONE ${JSON.stringify(report)}\n`)
