import fc from 'fast-check'
import { it } from 'vitest'
import type { Schedule } from './schedule.js'
import { scheduleArbitrary } from './schedule.js'

/**
 * How many schedules the suite runs in total by default: at least 10,000 across both engines and
 * the parity runs. `BRIEFCASE_PROPERTY_RUNS` sets another total (a long run: 1000000).
 */
export const DEFAULT_TOTAL_RUNS = 5_000

/** True in the long mode (`BRIEFCASE_PROPERTY_LONG=1`, `npm run test:long`). */
export const LONG_MODE = process.env['BRIEFCASE_PROPERTY_LONG'] === '1'

/**
 * Each schedule test's share of the total (they add up to 1). The long mode adds schedules of
 * up to 60 steps and 8 devices on both engines.
 */
export const SHARES = LONG_MODE
  ? { yjs: 0.45, yjsLong: 0.25, automerge: 0.05, parity: 0.05, yjsHuge: 0.15, automergeHuge: 0.05 }
  : { yjs: 0.65, yjsLong: 0.3, automerge: 0.025, parity: 0.025, yjsHuge: 0, automergeHuge: 0 }

/** Refused-update cases per engine, as a fraction of the total (not schedules; not counted). */
const REFUSAL_SHARE = 0.03

function envNumber(name: string): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${JSON.stringify(raw)}`)
  return n
}

function total(): number {
  return envNumber('BRIEFCASE_PROPERTY_RUNS') ?? DEFAULT_TOTAL_RUNS
}

/** The number of runs of one schedule test: its share of the total. */
export function runsFor(share: keyof typeof SHARES): number {
  return Math.max(1, Math.ceil(total() * SHARES[share]))
}

/** The number of refused-update cases per engine. */
export function refusalRuns(): number {
  return Math.max(1, Math.ceil(total() * REFUSAL_SHARE))
}

/** The longest timer Node accepts (about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/** A vitest timeout that grows with the number of runs (`ms` per run, at least 60 s; none in the long mode). */
export function timeoutFor(runs: number, ms: number): number {
  // A long run takes hours on a shared machine: it is bounded by its runs, not by a timeout.
  if (LONG_MODE) return MAX_TIMEOUT_MS
  return Math.min(MAX_TIMEOUT_MS, Math.max(60_000, Math.ceil(runs * ms * 3)))
}

/**
 * Runs a property `runs` times. The seed is random unless `BRIEFCASE_PROPERTY_SEED` is set; with
 * `BRIEFCASE_PROPERTY_PATH` too, fast-check replays exactly the failing case (and shrinks it).
 * A failure throws with the command that replays it.
 */
export async function checkProperty<T>(
  title: string,
  file: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => void,
  runs: number,
): Promise<void> {
  const seed =
    envNumber('BRIEFCASE_PROPERTY_SEED') ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0
  const path = process.env['BRIEFCASE_PROPERTY_PATH']
  // Each run ends with a turn of the event loop: Automerge's Wasm memory is released by
  // finalizers, which never run while code stays synchronous (a long run would exhaust it).
  const property = fc.asyncProperty(arbitrary, async (value) => {
    try {
      predicate(value)
    } finally {
      await new Promise((resolve) => setImmediate(resolve))
    }
  })
  const details = await fc.check(property, { seed, numRuns: runs, ...(path ? { path } : {}) })
  if (!details.failed) {
    if (LONG_MODE) console.log(`${title}: ${details.numRuns} runs passed (seed ${details.seed})`)
    return
  }
  const replay =
    (LONG_MODE ? 'BRIEFCASE_PROPERTY_LONG=1 ' : '') +
    `BRIEFCASE_PROPERTY_SEED=${details.seed} BRIEFCASE_PROPERTY_PATH=${details.counterexamplePath ?? ''} ` +
    `npx vitest run ${file} -t '${title}'`
  const error = details.errorInstance
  const cause = error instanceof Error ? error.message : String(error)
  throw new Error(
    `${title}: failed after ${details.numRuns} runs (seed ${details.seed}).\n${cause}\n\n` +
      `Replay it with:\n  ${replay}\n\n${(await fc.asyncDefaultReportMessage(details)) ?? ''}`,
  )
}

/** Options of {@link scheduleTest}. */
export interface ScheduleTestOptions {
  title: string
  /** The test file, for the replay command. */
  file: string
  share: keyof typeof SHARES
  /** Most steps per schedule. */
  maxSteps: number
  /** Most devices per schedule (default 5). */
  maxDevices?: number
  /** A generous estimate of one run's time, for the vitest timeout. */
  msPerRun: number
  /** Runs one schedule and throws when a property fails. */
  property: (schedule: Schedule) => void
}

/**
 * A vitest test that runs its share of random schedules through `property`. A test with no share
 * in this mode (the 60-step schedules outside the long mode) is registered as skipped, so `npm test`
 * reports it as skipped rather than as a file that did not run.
 */
export function scheduleTest(o: ScheduleTestOptions): void {
  const runs = runsFor(o.share)
  it.skipIf(SHARES[o.share] === 0)(
    o.title,
    async () => {
      const arbitrary = scheduleArbitrary({
        maxSteps: o.maxSteps,
        ...(o.maxDevices ? { maxDevices: o.maxDevices } : {}),
      })
      await checkProperty(o.title, o.file, arbitrary, o.property, runs)
    },
    timeoutFor(runs, o.msPerRun),
  )
}
