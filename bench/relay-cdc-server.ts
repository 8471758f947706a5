/**
 * The server side of `relay-cdc-latency.ts`, in its own process: the embedded org and a relay on
 * one port, as `npm start` runs them. `STREAM=off` turns the relay's change events off (the poll
 * every 60 s, the baseline). Prints `READY <url>`; exits when its stdin closes.
 *
 * Run by relay-cdc-latency.ts (`tsx --conditions=@briefcase/source`).
 */
import { createOrg } from '@briefcase/org'
import { startTestRelay } from '@briefcase/relay/testing'

const org = createOrg({ accounts: 20 })
const relay = await startTestRelay({
  org,
  projection: process.env.STREAM === 'off' ? { changeEvents: false } : {},
})
process.stdout.write(`READY ${relay.url}\n`)
process.stdin.resume()
process.stdin.on('end', () => {
  void relay.close().then(() => process.exit(0))
})
