import type { Logger } from 'pino'
import type { DocHub } from './docs/doc-hub.js'
import type { RelayMetrics } from './metrics/relay-metrics.js'
import type { ProjectionStage } from './projection/context.js'
import type { CaptureOptions } from './projection/plan-types.js'
import type { ProjectionStore } from './projection/ports.js'
import type { ProjectionOptions } from './projection/projector.js'
import type { ProjectionSessions, RelayProjection } from './projection/relay-projection.js'
import { createRelayProjection } from './projection/relay-projection.js'
import { SqliteProjectionStore } from './projection/sqlite-projection-store.js'
import type { PullStore } from './pull/ports.js'
import type { PullerOptions } from './pull/puller.js'
import { SqlitePullStore } from './pull/sqlite-pull-store.js'
import type { RelayStore } from './store/relay-store.js'
import { SqliteRelayStore } from './store/sqlite-relay-store.js'

/** How the relay runs its projector and puller. */
export interface RelayProjectionConfig {
  /** The projector's outbox, draft keys and blocks (default: SQLite, in the relay store's database). */
  projectionStore?: ProjectionStore
  /** The puller's watermarks (default: SQLite, in the relay store's database). */
  pullStore?: PullStore
  /** Projector tunables (`capture` comes from the relay's `capture` option). */
  options?: ProjectionOptions
  /** Puller tunables. */
  pull?: PullerOptions
  /** Test hook awaited at each stage of a projection call (the crash test). */
  onStage?: (
    stage: ProjectionStage,
    detail: Readonly<Record<string, unknown>>,
  ) => void | Promise<void>
}

/** What {@link wireProjection} needs. */
export interface WireProjectionInput {
  config: RelayProjectionConfig
  capture: CaptureOptions | undefined
  store: RelayStore
  hub: DocHub
  salesforce: ProjectionSessions
  logger: Logger
  metrics: RelayMetrics
  now: () => number
  apiVersion: string
  /** True when a document's group is a current partition of its object. */
  isCurrent: (sobject: string, group: string) => Promise<boolean>
}

/** The fields capture writes, per object: devices never write them. */
export function capturedFields(capture: CaptureOptions | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [sobject, fields] of Object.entries(capture ?? {})) out[sobject] = Object.keys(fields)
  return out
}

/**
 * The projector and the puller of a relay, on its hub and users' sessions, with their stores in
 * the relay store's SQLite database unless given.
 */
export function wireProjection(input: WireProjectionInput): RelayProjection {
  const { config } = input
  const database = input.store instanceof SqliteRelayStore ? input.store.database : undefined
  const projectionStore =
    config.projectionStore ?? (database ? new SqliteProjectionStore({ database }) : undefined)
  const pullStore = config.pullStore ?? (database ? new SqlitePullStore({ database }) : undefined)
  if (!projectionStore || !pullStore) {
    throw new Error(
      'With a store other than SqliteRelayStore, give projection.projectionStore and projection.pullStore.',
    )
  }
  const capture = input.capture ?? config.options?.capture
  return createRelayProjection({
    hub: input.hub,
    salesforce: input.salesforce,
    projectionStore,
    pullStore,
    logger: input.logger.child({ module: 'projection' }),
    metrics: input.metrics,
    now: input.now,
    isCurrent: input.isCurrent,
    projection: {
      apiVersion: input.apiVersion,
      ...config.options,
      ...(capture ? { capture } : {}),
    },
    pull: { apiVersion: input.apiVersion, ...config.pull },
    ...(config.onStage ? { onStage: config.onStage } : {}),
  })
}
