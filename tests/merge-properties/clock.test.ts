import type { MergeEngine, RecordDocument } from '@briefcase/record'
import { automergeEngine } from '@briefcase/record/automerge'
import {
  RecordDocument as Doc,
  createHybridClock,
  docName,
  parseDeviceId,
  yjsEngine,
} from '@briefcase/record'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_DRIFT_MS, parseStamp } from './clock-model.js'
import { BASE_ID, EPOCH, USERS, schema, sfDatetime } from './fixtures.js'
import { checkProperty, refusalRuns, timeoutFor } from './replay.js'

/** Clock properties with physical time in the model (not the stamps the code issues). */
const NAMES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli']

function device(
  engine: MergeEngine,
  id: string,
  physical: () => number,
  state?: Uint8Array,
): RecordDocument {
  const clock = createHybridClock({ device: parseDeviceId(id), now: physical })
  return Doc.open({
    engine,
    name: docName('Account', BASE_ID),
    schema,
    clock,
    actor: { user: USERS[0], device: clock.device },
    ...(state ? { state } : {}),
  })
}

function baseState(engine: MergeEngine): Uint8Array {
  const relay = device(engine, 'relay', () => EPOCH)
  const at = sfDatetime(EPOCH)
  relay.applyServerRecord(
    { Name: 'Acme', Industry: 'Energy' },
    { salesforceId: BASE_ID, lastModifiedDate: at, systemModstamp: at, lastModifiedById: USERS[1] },
  )
  return relay.encodeState()
}

/** Distinct physical times after the record's LastModifiedDate, and ids in the opposite order. */
const concurrent = fc
  .uniqueArray(fc.integer({ min: 1, max: 10 * 60_000 }), { minLength: 2, maxLength: 5 })
  .map((offsets) => {
    const byTime = [...offsets].sort((a, b) => a - b)
    // The latest physical time gets the smallest id: device ids say the opposite of time.
    return byTime.map((offset, i) => ({ id: `d${String.fromCharCode(122 - i)}`, offset }))
  })

const seenAhead = fc.record({
  ahead: fc.integer({ min: -3 * MAX_DRIFT_MS, max: 3 * MAX_DRIFT_MS }),
  sameField: fc.boolean(),
})

describe.each([yjsEngine, automergeEngine])('clocks with physical time on $name', (engine) => {
  const runs = Math.max(20, Math.ceil(refusalRuns() / 2))
  const base = baseState(engine)

  it(
    `${engine.name}: concurrent edits at distinct physical times go to the later time, whatever the device ids`,
    async () => {
      const title = `${engine.name}: concurrent edits at distinct physical times go to the later time, whatever the device ids`
      await checkProperty(
        title,
        'tests/merge-properties/clock.test.ts',
        concurrent,
        (devices) => {
          const docs = devices.map((d) => device(engine, d.id, () => EPOCH + d.offset, base))
          docs.forEach((doc, i) => doc.set('Name', NAMES[i % NAMES.length]))
          for (const a of docs)
            for (const b of docs) a.applyUpdate(b.encodeUpdate(a.encodeStateVector()))
          const latest = devices.length - 1
          for (const doc of docs) expect(doc.get('Name')).toBe(NAMES[latest % NAMES.length])
        },
        runs,
      )
    },
    timeoutFor(runs, 20),
  )

  it(
    `${engine.name}: a stamp follows what its device saw, within the drift bound`,
    async () => {
      const title = `${engine.name}: a stamp follows what its device saw, within the drift bound`
      await checkProperty(
        title,
        'tests/merge-properties/clock.test.ts',
        seenAhead,
        ({ ahead, sameField }) => {
          const t = EPOCH + 3_600_000
          const a = device(engine, 'a', () => t + ahead, base)
          const b = device(engine, 'b', () => t, base)
          const seen = a.set('Name', 'Globex')
          b.applyUpdate(a.encodeUpdate(b.encodeStateVector()))
          const stamp = b.set(sameField ? 'Name' : 'Industry', 'Retail')
          const within = parseStamp(seen).wall <= t + MAX_DRIFT_MS
          // Same field: always after what it saw. Another field: after it when the clock could
          // adopt it; a stamp beyond the drift bound is refused (B keeps its physical time).
          if (sameField || within) expect(stamp > seen).toBe(true)
          else expect(parseStamp(stamp).wall).toBe(t)
          // Its next edit of a third field follows its own stamp, unless that stamp was bumped
          // past a stamp beyond the drift bound: the clock did not adopt it and keeps physical
          // time (so two edits of different fields can then share a stamp).
          const next = b.set('AnnualRevenue', 1)
          if (within || parseStamp(stamp).wall === t) expect(next > stamp).toBe(true)
          else expect(parseStamp(next).wall).toBe(t)
        },
        runs,
      )
    },
    timeoutFor(runs, 20),
  )
})
