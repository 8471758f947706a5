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
import type { ChangeStreamOptions } from './pull/change-stream.js'
import { SqliteReplayStore } from './pull/sqlite-replay-store.js'
import { clientCredentialsSession } from './pull/stream-session.js'
import type { ReplayStore, StreamEvent, StreamStage } from './pull/stream-ports.js'
import type { SalesforceOptions } from './salesforce/connections.js'
import { RELAY_CALL_CLIENT } from './salesforce/connections.js'
import type { Leases } from './lease/leases.js'
import type { RelayStore } from './store/relay-store.js'
import { SqliteRelayStore } from './store/sqlite-relay-store.js'
import { PostgresProjectionStore } from './projection/postgres-projection-store.js'
import { PostgresPullStore } from './pull/postgres-pull-store.js'
import { PostgresReplayStore } from './pull/postgres-replay-store.js'
import { PostgresRelayStore } from './store/postgres-relay-store.js'

/** How the relay runs its projector and puller. */
export interface RelayProjectionConfig {
  /** The projector's outbox, draft keys and blocks (default: in the relay store's database). */
  projectionStore?: ProjectionStore
  /** The puller's watermarks (default: in the relay store's database). */
  pullStore?: PullStore
  /** Projector tunables (`capture` comes from the relay's `capture` option). */
  options?: ProjectionOptions
  /** Puller tunables. */
  pull?: PullerOptions
  /**
   * Salesforce's change events (Change Data Capture over CometD), read with the connected app's
   * client-credentials session: on by default; `false` polls every `pull.intervalMs` instead.
   */
  changeEvents?: ChangeStreamOptions | false
  /** The change stream's replay ids (default: in the relay store's database). */
  replayStore?: ReplayStore
  /** Test hook awaited at each stage of a change event's handling. */
  onStreamStage?: (stage: StreamStage, event: StreamEvent) => void | Promise<void>
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
  /** The group of an object's main partition, once a view of it is known. */
  mainGroup?: (sobject: string) => Promise<string | undefined>
  /** The connected app (the change stream's session). */
  salesforceOptions: SalesforceOptions
  /** Awaited before each pull pass with the Ids it reads. */
  beforePull?: (ids: readonly string[]) => Promise<void>
  /** Which relay projects which record and which one pulls (default: this one, everything). */
  leases?: Leases
}

/** The fields capture writes, per object: devices never write them. */
export function capturedFields(capture: CaptureOptions | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [sobject, fields] of Object.entries(capture ?? {})) out[sobject] = Object.keys(fields)
  return out
}

/** The projector's, puller's and change stream's stores in the relay store's own database. */
function storesBeside(
  store: RelayStore,
): { projection: ProjectionStore; pull: PullStore; replay: ReplayStore } | undefined {
  if (store instanceof SqliteRelayStore) {
    const { database } = store
    return {
      projection: new SqliteProjectionStore({ database }),
      pull: new SqlitePullStore({ database }),
      replay: new SqliteReplayStore({ database }),
    }
  }
  if (store instanceof PostgresRelayStore) {
    const { database } = store
    return {
      projection: new PostgresProjectionStore({ database }),
      pull: new PostgresPullStore({ database }),
      replay: new PostgresReplayStore({ database }),
    }
  }
  return undefined
}

/**
 * The projector and the puller of a relay, on its hub and users' sessions, with their stores in
 * the relay store's database (SQLite or PostgreSQL) unless given.
 */
export function wireProjection(input: WireProjectionInput): RelayProjection {
  const { config } = input
  const beside =
    config.projectionStore && config.pullStore && config.replayStore
      ? undefined
      : storesBeside(input.store)
  const projectionStore = config.projectionStore ?? beside?.projection
  const pullStore = config.pullStore ?? beside?.pull
  if (!projectionStore || !pullStore) {
    throw new Error(
      'With a store other than SqliteRelayStore or PostgresRelayStore, give projection.projectionStore and projection.pullStore.',
    )
  }
  const capture = input.capture ?? config.options?.capture
  const replay = config.replayStore ?? beside?.replay
  const events = config.changeEvents === false || !replay ? undefined : (config.changeEvents ?? {})
  const { loginUrl, clientId, clientSecret } = input.salesforceOptions
  return createRelayProjection({
    hub: input.hub,
    salesforce: input.salesforce,
    projectionStore,
    pullStore,
    logger: input.logger.child({ module: 'projection' }),
    metrics: input.metrics,
    now: input.now,
    isCurrent: input.isCurrent,
    ...(input.mainGroup ? { mainGroup: input.mainGroup } : {}),
    ...(input.beforePull ? { beforePull: input.beforePull } : {}),
    ...(input.leases ? { leases: input.leases } : {}),
    projection: {
      apiVersion: input.apiVersion,
      // Among relays, a pass every 3 s takes over a dead relay's records soon after their leases lapse.
      ...(input.leases?.shared ? { intervalMs: 3000 } : {}),
      ...config.options,
      ...(capture ? { capture } : {}),
    },
    pull: { apiVersion: input.apiVersion, ...config.pull },
    ...(events && replay
      ? {
          stream: {
            session: () =>
              clientCredentialsSession({
                loginUrl,
                clientId,
                clientSecret,
                apiVersion: input.apiVersion,
              }),
            replay,
            ownClient: RELAY_CALL_CLIENT,
            options: { pollIntervalMs: config.pull?.intervalMs ?? 60_000, ...events },
            ...(config.onStreamStage ? { onStage: config.onStreamStage } : {}),
          },
        }
      : {}),
    ...(config.onStage ? { onStage: config.onStage } : {}),
  })
}
