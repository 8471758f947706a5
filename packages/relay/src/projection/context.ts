import type { RecordDocument, SyncStatus } from '@briefcase/record'
import type { BackoffOptions } from './backoff.js'
import type { CaptureOptions } from './plan-types.js'
import type {
  ProjectionDocs,
  ProjectionLogger,
  ProjectionMetrics,
  ProjectionSalesforce,
  ProjectionStore,
} from './ports.js'

/**
 * Points of a projection where a test hook is told what is about to happen (the crash test kills
 * the relay there).
 */
export type ProjectionStage =
  'check-read' | 'intent-recorded' | 'response-received' | 'acks-applied' | 'settled' | 'recovered'

/** Options of the projector, with defaults filled in. */
export interface ProjectorSettings {
  apiVersion: string
  draftKeyField: string
  capture: CaptureOptions
  /** Most updates of a call sent as conditional rows instead of behind a separate check. */
  maxConditionalRows: number
  /** A SystemModstamp check younger than this is not repeated before the next call (ms). */
  checkFreshMs: number
  /** Retries of one record within one run before it waits for the next run. */
  maxAttempts: number
  /** How long a call in flight may still land in Salesforce (ms): see `recoverEntry`. */
  inFlightSettleMs: number
  backoff: BackoffOptions
}

/** What the projector's parts share. */
export interface ProjectorContext {
  docs: ProjectionDocs
  store: ProjectionStore
  salesforce: ProjectionSalesforce
  logger: ProjectionLogger
  metrics: ProjectionMetrics | undefined
  now: () => number
  settings: ProjectorSettings
  /** Awaited at each stage (the crash test's hook); a no-op by default. */
  stage: (stage: ProjectionStage, detail: Readonly<Record<string, unknown>>) => Promise<void>
}

function sameStatus(a: SyncStatus | null, b: SyncStatus): boolean {
  if (!a) return false
  return (
    a.state === b.state &&
    a.code === b.code &&
    a.message === b.message &&
    a.attempt === b.attempt &&
    JSON.stringify(a.fields ?? []) === JSON.stringify(b.fields ?? [])
  )
}

/**
 * Sets a document's sync status unless it already says the same (only `at` differing), so that
 * repeated waves do not send devices an update each. Returns whether it changed.
 */
export function reportStatus(doc: RecordDocument, status: SyncStatus): boolean {
  if (sameStatus(doc.status(), status)) return false
  doc.setStatus(status)
  return true
}

/** A status without undefined members (the record model stores it as JSON). */
export function status(
  state: SyncStatus['state'],
  at: number,
  detail: { code?: string; message?: string; fields?: string[]; attempt?: number } = {},
): SyncStatus {
  const s: SyncStatus = { state, at: new Date(at).toISOString() }
  if (detail.code !== undefined) s.code = detail.code
  if (detail.message !== undefined) s.message = detail.message
  if (detail.fields !== undefined && detail.fields.length > 0) s.fields = detail.fields
  if (detail.attempt !== undefined) s.attempt = detail.attempt
  return s
}
