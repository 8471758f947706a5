/**
 * The projector (merged state → Salesforce writes) and the puller (Salesforce changes →
 * documents): what `@briefcase/relay` re-exports of them. See docs/decisions/0004-projection.md.
 */
export type { ProjectionStage } from './context.js'
export type { CaptureFact, CaptureOptions } from './plan-types.js'
export type {
  DocRef,
  DraftEntry,
  FieldPermission,
  IntentWrite,
  ObjectPermissions,
  OutboxEntry,
  PendingDoc,
  ProjectionDocs,
  ProjectionLogger,
  ProjectionMetrics,
  ProjectionSalesforce,
  ProjectionStore,
  SalesforceConnection,
  SalesforceRequest,
} from './ports.js'
export type { Projector, ProjectorConfig, ProjectionOptions } from './projector.js'
export { createProjector } from './projector.js'
export type { WrittenRecord } from './execute.js'
export type { ProjectionReport } from './run-pass.js'
export type { SqliteProjectionStoreOptions } from './sqlite-projection-store.js'
export type { PostgresProjectionStoreOptions } from './postgres-projection-store.js'
export { PostgresProjectionStore } from './postgres-projection-store.js'
export { SqliteProjectionStore } from './sqlite-projection-store.js'
export type {
  ProjectionHub,
  ProjectionSessions,
  RelayProjection,
  RelayProjectionOptions,
} from './relay-projection.js'
export {
  createRelayProjection,
  hubDocs,
  hubPullDocs,
  sessionsSalesforce,
} from './relay-projection.js'
export type { PullDocs, PullStore, TrackedDoc, Watermark } from '../pull/ports.js'
export type { Puller, PullerConfig, PullerOptions, PullReport } from '../pull/puller.js'
export { createPuller } from '../pull/puller.js'
export { inFlightIds } from './in-flight.js'
export type { SqlitePullStoreOptions } from '../pull/sqlite-pull-store.js'
export type { PostgresPullStoreOptions } from '../pull/postgres-pull-store.js'
export { PostgresPullStore } from '../pull/postgres-pull-store.js'
export type { PostgresReplayStoreOptions } from '../pull/postgres-replay-store.js'
export { PostgresReplayStore } from '../pull/postgres-replay-store.js'
export { SqlitePullStore } from '../pull/sqlite-pull-store.js'
