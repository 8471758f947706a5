/**
 * Durable ingest rate: device updates per second the relay checks, applies and commits to SQLite.
 * - live: 50 devices, each on its own record, send 200 single-field edits (made beforehand) as
 *   y-websocket update frames as fast as the sockets take them; counted when committed (group
 *   commit; in the WAL, fsynced within 1 s);
 * - bulk: one device sends one edit to each of 2,000 records in one request; counted when the
 *   answer arrives (fsynced before the answer; the device's own encoding and decoding included).
 *
 * Run: npx tsx --conditions=@briefcase/source bench/relay-ingest.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createOrg } from '@briefcase/org'
import { startTestRelay } from '@briefcase/relay/testing'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import { Device } from '../tests/relay/device.js'

/** A y-websocket update message. */
function updateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

const DEVICES = Number(process.env.DEVICES ?? 50)
const EDITS = Number(process.env.EDITS ?? 200)
const BULK_DOCS = 2000

const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'))
const org = createOrg({ accounts: BULK_DOCS })
const t = await startTestRelay({
  org,
  file: join(dir, 'relay.sqlite'),
  logLevel: process.env.LOG_LEVEL ?? 'silent',
})
const names = (org.snapshot().Account ?? []).map((a) => `Account/${String(a.Id)}`)
const committed = async (): Promise<number> =>
  (await t.relay.metrics.committedUpdates.get()).values.reduce((s, v) => s + v.value, 0)
const commits = async (): Promise<number> =>
  (await t.relay.metrics.commits.get()).values.reduce((s, v) => s + v.value, 0)

// Live: each device's 200 updates are made first (client work is not timed), then sent as
// y-websocket update frames on raw WebSocket connections, interleaved, as fast as the sockets take
// them; timed until the relay has committed them all.
const sockets: WebSocket[] = []
const frames: Uint8Array[][] = []
for (let i = 0; i < DEVICES; i++) {
  const d = await Device.signIn(t.url, 'manager', `ingest-${i}`)
  const name = names[i] as string
  await d.bulk([name])
  const doc = await d.open(name)
  const mine: Uint8Array[] = []
  doc.engineDoc.onChange((payload) => mine.push(updateFrame(payload)))
  for (let k = 0; k < EDITS; k++) doc.set('Website', `https://e${k}.example`)
  frames.push(mine)
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/sync/live/${name}?token=${d.token}`)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  sockets.push(ws)
}
const before = await committed()
const commitsBefore = await commits()
const start = performance.now()
for (let k = 0; k < EDITS; k++) {
  for (let i = 0; i < DEVICES; i++) (sockets[i] as WebSocket).send(frames[i]?.[k] as Uint8Array)
}
const expected = before + DEVICES * EDITS
const deadline = Date.now() + 120_000
while ((await committed()) < expected) {
  if (Date.now() > deadline) throw new Error('updates not committed in time')
  await new Promise((r) => setTimeout(r, 2))
}
const liveMs = performance.now() - start
const liveCommits = (await commits()) - commitsBefore
for (const ws of sockets) ws.close()
const liveRate = ((DEVICES * EDITS) / liveMs) * 1000
console.log(
  `live: ${DEVICES * EDITS} updates from ${DEVICES} devices committed in ${liveMs.toFixed(0)} ms ` +
    `= ${liveRate.toFixed(0)} updates/s (${liveCommits} store transactions, ${((DEVICES * EDITS) / liveCommits).toFixed(1)} updates each)`,
)

// Bulk.
const bulk = await Device.signIn(t.url, 'manager', 'ingest-bulk')
await bulk.bulk(names.slice(0, BULK_DOCS))
const rates: number[] = []
for (let run = 0; run < 3; run++) {
  for (const name of names.slice(0, BULK_DOCS))
    (await bulk.open(name)).set('Phone', `41555${run}0199`)
  const s = performance.now()
  const answers = await bulk.bulk()
  const ms = performance.now() - s
  if (answers.some((a) => !a.ok)) throw new Error('bulk refused')
  rates.push((BULK_DOCS / ms) * 1000)
  console.log(
    `bulk: ${BULK_DOCS} updates in one request, acknowledged (fsynced) in ${ms.toFixed(0)} ms = ${((BULK_DOCS / ms) * 1000).toFixed(0)} updates/s`,
  )
}
rates.sort((a, b) => a - b)
console.log(
  `\n| path | updates/s |\n| --- | --- |\n| live (${DEVICES} devices × ${EDITS} edits, group commit) | ${liveRate.toFixed(0)} |\n` +
    `| bulk (${BULK_DOCS} updates per request, median of 3) | ${rates[1]?.toFixed(0)} |`,
)
await t.close()
await org.close()
rmSync(dir, { recursive: true, force: true })
process.exit(0)
