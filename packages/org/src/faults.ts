import { createRandom, type Random } from './prng.js'

/** A one-off failure: the next `times` matching calls answer `status` with this error. */
export interface FailNextRule {
  /** HTTP method to match (any when absent). */
  method?: string
  /** Substring of the path (plus query) to match (any when absent). */
  pathIncludes?: string
  status: number
  errorCode: string
  message: string
  /** How many matching calls fail (default 1). */
  times?: number
}

/** Fault injection settings; rates are probabilities per call, drawn from a seeded PRNG. */
export interface FaultSettings {
  /** Seed of the PRNG: the same seed and calls give the same faults. */
  seed: number
  /** Share of calls answering 500 UNKNOWN_EXCEPTION. */
  serverErrorRate: number
  /** Delay added before every call, in ms. */
  latencyMs: number
  /** Share of writes (POST, PATCH, PUT, DELETE) answering 400 UNABLE_TO_LOCK_ROW. */
  lockRowRate: number
  /** The next N calls answer 403 REQUEST_LIMIT_EXCEEDED. */
  limitBurst: number
  /** Share of calls whose connection is destroyed without an answer. */
  dropConnectionRate: number
  /** One-off failures, consumed in order of the list. */
  failNext: FailNextRule[]
}

/** What a caller may pass: any subset of {@link FaultSettings}. */
export type FaultOptions = Partial<FaultSettings>

/** What the fault injector decided for one call. */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'serverError' }
  | { kind: 'lockRow' }
  | { kind: 'limit' }
  | { kind: 'drop' }
  | { kind: 'fail'; rule: FailNextRule }

/** Seeded, deterministic fault injection for the Salesforce surface. */
export interface FaultInjector {
  settings(): FaultSettings
  /** Replaces the settings given; a `seed` restarts the PRNG. */
  set(options: FaultOptions): void
  /** Back to no faults (seed kept). */
  clear(): void
  /** Decides one call's fault; only `failNext` applies outside the data API (`dataApi` false). */
  decide(method: string, path: string, dataApi: boolean): FaultDecision
}

const NONE: Omit<FaultSettings, 'seed'> = {
  serverErrorRate: 0,
  latencyMs: 0,
  lockRowRate: 0,
  limitBurst: 0,
  dropConnectionRate: 0,
  failNext: [],
}

const WRITES: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

/** Creates a fault injector with `options` (no faults by default). */
export function createFaultInjector(options: FaultOptions = {}): FaultInjector {
  let current: FaultSettings = { seed: 1, ...NONE }
  let random: Random = createRandom(1)
  const set = (next: FaultOptions): void => {
    current = {
      ...current,
      ...next,
      failNext: (next.failNext ?? current.failNext).map((r) => ({ ...r })),
    }
    if (next.seed !== undefined) random = createRandom(next.seed)
  }
  set({ seed: 1, ...options })
  return {
    settings: () => ({ ...current, failNext: current.failNext.map((r) => ({ ...r })) }),
    set,
    clear: () => {
      current = { seed: current.seed, ...NONE }
    },
    decide: (method, path, dataApi) => {
      const index = current.failNext.findIndex(
        (r) =>
          (r.method === undefined || r.method.toUpperCase() === method) &&
          (r.pathIncludes === undefined || path.includes(r.pathIncludes)),
      )
      const rule = current.failNext[index]
      if (rule) {
        const left = (rule.times ?? 1) - 1
        if (left <= 0) current.failNext.splice(index, 1)
        else rule.times = left
        return { kind: 'fail', rule }
      }
      if (!dataApi) return { kind: 'none' }
      // Three draws per data call, always, so one call's outcome never shifts another's.
      const drop = random.next()
      const server = random.next()
      const lock = random.next()
      if (current.limitBurst > 0) {
        current.limitBurst -= 1
        return { kind: 'limit' }
      }
      if (drop < current.dropConnectionRate) return { kind: 'drop' }
      if (server < current.serverErrorRate) return { kind: 'serverError' }
      if (WRITES.has(method) && lock < current.lockRowRate) return { kind: 'lockRow' }
      return { kind: 'none' }
    },
  }
}
