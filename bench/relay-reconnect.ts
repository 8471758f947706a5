/**
 * Reconnect of a device holding 2,000 cached records, 200 of them edited offline, while 100 were
 * changed on the server: how many round trips, and how long, until the device and the relay agree.
 * Real org, real relay (SQLite file, synchronous FULL), loopback.
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-reconnect.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createOrg } from '@briefcase/org'
import { startTestRelay } from '@briefcase/relay/testing'
import { Device } from '../tests/relay/device.js'

const RECORDS = 2000
const EDITED = 200
const SERVER_CHANGED = 100
const RUNS = Number(process.env.RUNS ?? 5)

const dir = mkdtempSync(join(tmpdir(), 'bench-reconnect-'))
const org = createOrg({ accounts: RECORDS })
const relay = await startTestRelay({
  org,
  file: join(dir, 'relay.sqlite'),
  logLevel: process.env.LOG_LEVEL ?? 'silent',
})
const names = (org.snapshot().Account ?? []).map((a) => `Account/${String(a.Id)}`).slice(0, RECORDS)

const results: { trips: number; ms: number; sent: number; received: number }[] = []
for (let run = 0; run < RUNS; run++) {
  const device = await Device.signIn(relay.url, 'manager', `bench-${run}`)
  const t0 = performance.now()
  await device.bulk(names)
  const fillMs = performance.now() - t0
  // Offline: the device edits 200 records; meanwhile 100 others change in Salesforce and the
  // relay's puller has merged them (here applied as the puller does, with applyServerRecord).
  const at = new Date(Date.now() + 60_000 * (run + 1)).toISOString()
  for (const name of names.slice(0, EDITED))
    (await device.open(name)).set('Phone', `41555${run}0100`)
  for (const name of names.slice(RECORDS - SERVER_CHANGED)) {
    const id = name.split('/')[1] as string
    const groups = await relay.store.listDocs({ name })
    for (const g of groups) {
      await relay.relay.hub.mutate({ name, group: g.group }, (doc) =>
        doc.applyServerRecord(
          { Website: `https://changed-${run}.example` },
          {
            salesforceId: id as never,
            lastModifiedDate: at,
            systemModstamp: at,
            lastModifiedById: device.userId,
          },
        ),
      )
    }
  }
  const before = device.roundTrips
  const start = performance.now()
  const answers = await device.bulk()
  const ms = performance.now() - start
  const trips = device.roundTrips - before
  const failed = answers.filter((a) => !a.ok).length
  const sent = names.slice(0, EDITED).length
  const received = names
    .slice(RECORDS - SERVER_CHANGED)
    .filter((n) => device.docs.get(n)?.get('Website') === `https://changed-${run}.example`).length
  if (failed > 0 || received !== SERVER_CHANGED)
    throw new Error(`run ${run}: ${failed} failed, ${received} received`)
  results.push({ trips, ms, sent, received })
  console.log(
    `run ${run + 1}: initial fill ${fillMs.toFixed(0)} ms; reconnect ${trips} round trip(s), ${ms.toFixed(0)} ms ` +
      `(${sent} edits up, ${received} server changes down; ${(device.lastBulkBytes.sent / 1024).toFixed(0)} KB sent, ` +
      `${(device.lastBulkBytes.received / 1024).toFixed(0)} KB received)`,
  )
}
const sorted = results.map((r) => r.ms).sort((a, b) => a - b)
console.log(
  `\nreconnect of ${RECORDS} records (${EDITED} edited offline, ${SERVER_CHANGED} changed on the server): ` +
    `${results[0]?.trips} round trip, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, ` +
    `min ${sorted[0]?.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms over ${RUNS} runs`,
)
await relay.close()
await org.close()
rmSync(dir, { recursive: true, force: true })
