/**
 * The relay side of bench/relay-online-calls.ts, in its own process: an embedded org and a relay
 * running its own projector, with the coalescing options from the environment (`IDLE_MS`,
 * `MAX_WAIT_MS`, `CONDITIONAL_ROWS`). Prints `READY <url>` once listening; stops on SIGTERM.
 */
import { createOrg } from '@briefcase/org'
import { startTestRelay } from '@briefcase/relay/testing'

const num = (name: string): number | undefined =>
  process.env[name] === undefined ? undefined : Number(process.env[name])
const idleMs = num('IDLE_MS')
const maxWaitMs = num('MAX_WAIT_MS')
const maxConditionalRows = num('CONDITIONAL_ROWS')

const org = createOrg({ accounts: 40 })
const relay = await startTestRelay({
  org,
  projection: {
    options: {
      ...(idleMs === undefined ? {} : { idleMs }),
      ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
      ...(maxConditionalRows === undefined ? {} : { maxConditionalRows }),
    },
    // The puller would add its own calls; the question is the writes.
    pull: { intervalMs: 3_600_000 },
  },
})
process.stdout.write(`READY ${relay.url}\n`)
process.on('SIGTERM', () => {
  void relay
    .close()
    .then(() => org.close())
    .then(() => process.exit(0))
})
