/**
 * A relay process for the change-event crash test: a whole relay (store, hub, projector, change
 * stream) on a SQLite file, following the change events of an org served by the test process.
 *
 * Environment (set by cdc-crash.test.ts):
 * - CDC_DB: the SQLite file; CDC_ORG: the org's URL.
 * - CDC_CRASH_STAGE / CDC_CRASH_AT: kill this process with SIGKILL the CDC_CRASH_AT-th time
 *   (default 1) an event reaches that stage of its handling (`applied`: applied to the
 *   documents, its replay id not yet persisted).
 * Prints `READY <url>`, `STREAMING` once it follows Account's events, and `STAGE <stage>
 * <replayId>` for each event; closes and exits when its stdin ends.
 *
 * Run with `tsx --conditions=@briefcase/source` (the test bundles it).
 */
import { startTestRelay } from '@briefcase/relay/testing'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}
const crashStage = process.env.CDC_CRASH_STAGE
const crashAt = Number(process.env.CDC_CRASH_AT ?? '1')
let seen = 0

const relay = await startTestRelay({
  loginUrl: env('CDC_ORG'),
  file: env('CDC_DB'),
  projection: {
    // Nothing is polled: whatever reaches the documents, the change stream brought.
    pull: { intervalMs: 3_600_000 },
    changeEvents: { refreshIntervalMs: 50, safetyIntervalMs: 3_600_000, restartDelayMs: 50 },
    onStreamStage: (stage, event) => {
      process.stdout.write(`STAGE ${stage} ${event.replayId}\n`)
      if (stage === crashStage && ++seen === crashAt) process.kill(process.pid, 'SIGKILL')
    },
  },
})
process.stdout.write(`READY ${relay.url}\n`)
const streaming = setInterval(() => {
  if (relay.relay.projection?.stream?.status().streamed.includes('Account')) {
    clearInterval(streaming)
    process.stdout.write('STREAMING\n')
  }
}, 20)
process.stdin.resume()
process.stdin.on('end', () => {
  clearInterval(streaming)
  void relay.close().then(() => process.exit(0))
})
