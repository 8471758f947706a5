import type { BackoffOptions } from './backoff.js'
import type { ProjectionStage, ProjectorContext } from './context.js'
import { DRAFT_KEY_FIELD } from './plan.js'
import { MAX_CONDITIONAL_ROWS } from './plan-conditional.js'
import type { CaptureOptions } from './plan-types.js'
import type {
  DocRef,
  ProjectionDocs,
  ProjectionLogger,
  ProjectionMetrics,
  ProjectionSalesforce,
  ProjectionStore,
} from './ports.js'
import { refKey } from './doc-ref.js'
import { RetryBook } from './retry-book.js'
import type { ProjectionReport } from './run-pass.js'
import { runPass } from './run-pass.js'
import type { EditArrival } from './write-schedule.js'
import { WriteSchedule } from './write-schedule.js'

/** Tunables of the projector; every one has a default. */
export interface ProjectionOptions {
  /** API version of the Composite subrequests (default `62.0`; match the connections'). */
  apiVersion?: string
  /** External-Id field holding draft keys (default `Briefcase_Draft_Key__c`). */
  draftKeyField?: string
  /** Client-side facts to write into custom fields, per object (default none). */
  capture?: CaptureOptions
  /** Background run interval in ms once started (default 30 000). */
  intervalMs?: number
  /** Delay between a `notify` and the run it starts, gathering bursts, in ms (default 50). */
  debounceMs?: number
  /**
   * Coalescing: a record edited live is written once its edits have been quiet this long, in ms
   * (default 2 000)…
   */
  idleMs?: number
  /** …or once its oldest unwritten live edit is this old, in ms (default 15 000). */
  maxWaitMs?: number
  /**
   * Share of the org's daily API allowance kept in reserve: below it, the coalescing windows
   * stretch (twice as long under it, doubling as the remainder halves, at most 16 times; default 0.1). Read by
   * `createRelayProjection`, which reads the allowance from every answer.
   */
  apiReserve?: number
  /**
   * Most updates of a call that carry their conflict check in the write (`If-Unmodified-Since` per
   * Composite subrequest) instead of a separate check call (default 20; 0: always check apart).
   */
  maxConditionalRows?: number
  /** A SystemModstamp check this recent (ms) is not repeated for a re-planned call (default 5 000). */
  checkFreshMs?: number
  /** Retries of a record within one run before it waits for the next run (default 8). */
  maxAttempts?: number
  /**
   * How long a call left in flight (the relay crashed, or lost the answer) may still land in
   * Salesforce, in ms (default 20 000). Until then, recovery settles it only when Salesforce holds
   * all of it; what is missing is written again after that.
   */
  inFlightSettleMs?: number
  /** Backoff of retries (default 500 ms doubling to 60 s, equal jitter). */
  backoff?: Omit<BackoffOptions, 'random'>
  /** Longest inline wait for a retry inside one run, in ms (default 60 000). */
  maxRetryWaitMs?: number
  /** Planning rounds per run (default 50). */
  maxWaves?: number
}

/** Dependencies and options of {@link createProjector}. */
export interface ProjectorConfig {
  docs: ProjectionDocs
  store: ProjectionStore
  salesforce: ProjectionSalesforce
  logger?: ProjectionLogger
  metrics?: ProjectionMetrics
  /** Clock in ms (default `Date.now`). */
  now?: () => number
  /** Waits `ms` (default a timer); must return early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Randomness of the backoff jitter (default `Math.random`). */
  random?: () => number
  options?: ProjectionOptions
  /** Test hook awaited at each stage of a call (the crash test stops the process there). */
  onStage?: (
    stage: ProjectionStage,
    detail: Readonly<Record<string, unknown>>,
  ) => void | Promise<void>
}

/** The projector: merged state → ordered, minimal, idempotent Salesforce writes. */
export interface Projector {
  /** Starts background runs (on `notify` and every `intervalMs`). */
  start(): void
  /** Stops background runs and waits for the current one to finish its call. */
  stop(): Promise<void>
  /** Runs now (or joins the run in progress and runs once more); resolves with what it did. */
  runOnce(): Promise<ProjectionReport>
  /**
   * Tells the projector a document changed. Without `arrival` (or `bulk`), a run starts after
   * `debounceMs` when started; a `live` edit is coalesced: its record is written when due.
   */
  notify(doc?: DocRef | string, arrival?: EditArrival): void
  /** Tells the projector a document's live editors all left: it is written at once. */
  left(doc: DocRef): void
  /** When live edits are written (coalescing windows, stretched near the API limit). */
  readonly schedule: WriteSchedule
}

const silent: ProjectionLogger = { debug() {}, info() {}, warn() {}, error() {} }

function timerSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
  })
}

/**
 * Creates the projector. It reads the pending index and the documents through `docs`, writes
 * with each author's session from `salesforce`, and keeps its outbox, draft keys and blocks in
 * `store`. See docs/decisions/0004-projection.md.
 *
 * @example
 * ```ts
 * const projector = createProjector({ docs, store: new SqliteProjectionStore({ database }),
 *   salesforce: { connection: (userId) => sessions.connection(userId) }, logger })
 * projector.start()
 * hub.on('change', (ref) => projector.notify(ref))
 * ```
 */
export function createProjector(config: ProjectorConfig): Projector {
  const o = config.options ?? {}
  const now = config.now ?? Date.now
  const sleep = config.sleep ?? timerSleep
  const onStage = config.onStage
  const ctx: ProjectorContext = {
    docs: config.docs,
    store: config.store,
    salesforce: config.salesforce,
    logger: config.logger ?? silent,
    metrics: config.metrics,
    now,
    settings: {
      apiVersion: o.apiVersion ?? '62.0',
      draftKeyField: o.draftKeyField ?? DRAFT_KEY_FIELD,
      capture: o.capture ?? {},
      checkFreshMs: o.checkFreshMs ?? 5_000,
      maxConditionalRows: o.maxConditionalRows ?? MAX_CONDITIONAL_ROWS,
      maxAttempts: o.maxAttempts ?? 8,
      inFlightSettleMs: o.inFlightSettleMs ?? 20_000,
      backoff: { ...o.backoff, ...(config.random ? { random: config.random } : {}) },
    },
    stage: async (stage, detail) => {
      if (onStage) await onStage(stage, detail)
    },
  }
  const retries = new RetryBook(ctx.settings.backoff)
  const schedule = new WriteSchedule({
    ...(o.idleMs === undefined ? {} : { idleMs: o.idleMs }),
    ...(o.maxWaitMs === undefined ? {} : { maxWaitMs: o.maxWaitMs }),
  })
  let abort = new AbortController()
  let stopped = false
  let started = false
  let running: Promise<ProjectionReport> | undefined
  let again = false
  let debounce: ReturnType<typeof setTimeout> | undefined
  let interval: ReturnType<typeof setInterval> | undefined
  let due: ReturnType<typeof setTimeout> | undefined
  /** When `due` fires (ms). */
  let dueAt = 0

  const pass = (): Promise<ProjectionReport> =>
    runPass(ctx, {
      retries,
      sleep: (ms) => sleep(ms, abort.signal),
      stopped: () => stopped,
      maxWaves: o.maxWaves ?? 50,
      maxRetryWaitMs: o.maxRetryWaitMs ?? 60_000,
      schedule,
    })

  const runOnce = (): Promise<ProjectionReport> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      let report = await pass()
      while (again && !stopped) {
        again = false
        report = await pass()
      }
      return report
    })().finally(() => {
      running = undefined
      armDue()
    })
    return running
  }

  /** Wakes the projector when the next coalesced record is due. */
  const armDue = (): void => {
    if (due) clearTimeout(due)
    due = undefined
    const at = schedule.nextDueAt()
    if (!started || stopped || at === undefined) return
    dueAt = at
    due = setTimeout(
      () => {
        due = undefined
        // Live edits since moved the record's due time later: wait for it, no run yet.
        const next = schedule.nextDueAt()
        if (next !== undefined && next > now()) {
          armDue()
          return
        }
        if (running) again = true
        kick()
      },
      Math.max(10, at - now()),
    )
  }

  const kick = (): void => {
    if (!started || stopped || debounce) return
    debounce = setTimeout(() => {
      debounce = undefined
      runOnce().catch((error: unknown) =>
        ctx.logger.error({ error: String(error) }, 'Projection run failed'),
      )
    }, o.debounceMs ?? 50)
  }

  return {
    start() {
      if (started && !stopped) return
      started = true
      stopped = false
      abort = new AbortController()
      interval = setInterval(kick, o.intervalMs ?? 30_000)
      kick()
    },
    async stop() {
      stopped = true
      abort.abort()
      if (debounce) clearTimeout(debounce)
      if (interval) clearInterval(interval)
      if (due) clearTimeout(due)
      debounce = undefined
      interval = undefined
      due = undefined
      await running?.catch(() => undefined)
    },
    runOnce,
    schedule,
    notify(doc, arrival) {
      if (doc !== undefined && typeof doc !== 'string' && arrival !== undefined) {
        const key = refKey(doc)
        schedule.edited(key, arrival, now())
        const at = schedule.dueAt(key)
        if (at > now()) {
          // A live edit mostly moves its record's due time later: the timer already armed, for
          // earlier, stays (it re-arms when it fires), rather than being re-armed at each edit.
          if (!running && !(due && dueAt <= at)) armDue()
          return
        }
      }
      if (running) again = true
      kick()
    },
    left(doc) {
      schedule.left(refKey(doc))
      if (running) again = true
      kick()
    },
  }
}
