/**
 * @packageDocumentation
 * The Briefcase relay: a Hono app that signs devices in through the org's OAuth, checks every
 * record against Salesforce with the user's authority, syncs record documents live (y-protocols
 * over WebSocket) and in bulk (one HTTP request for many documents), stores them durably, and
 * hands merged state to the projector. See README.md.
 */
export type { Relay, RelayOptions, RelaySalesforce } from './relay.js'
export { createLiveSocketServer, createRelay } from './relay.js'
export type { RelayEnv, RelayVariables } from './app/env.js'
export type { StaticAsset } from './app/static-assets.js'
export type { RelaySession } from './auth/sessions.js'
export { RelayError, isRelayError } from './errors.js'
export type { BriefcaseFilter, RelatedRecords } from './cache/briefcase-filters.js'
export { DEFAULT_BRIEFCASE_FILTERS } from './cache/briefcase-filters.js'
export type {
  BusAwareness,
  BusHandlers,
  BusLayout,
  BusMessage,
  BusUpdates,
  RelayBus,
} from './bus/relay-bus.js'
export { LocalRelayBus } from './bus/relay-bus.js'
export type { RemoteOrigin } from './docs/remote-changes.js'
export type { Leases } from './lease/leases.js'
export { LocalLeases, PULL_LEASE, recordLease } from './lease/leases.js'
export type { PostgresLeasesOptions } from './lease/postgres-leases.js'
export { PostgresLeases } from './lease/postgres-leases.js'
export type { DocCommitEvent, DocCommitListener, DocHubOptions } from './docs/doc-hub.js'
export { DocHub } from './docs/doc-hub.js'
export type { HotDoc } from './docs/hot-doc.js'
export type { DeviceWriter } from './docs/device-writes.js'
export { applyDeviceUpdate } from './docs/device-writes.js'
export type { GuardContext } from './docs/update-guard.js'
export { guardYjsUpdate } from './docs/update-guard.js'
export { RelayMetrics } from './metrics/relay-metrics.js'
export type { SalesforceOptions } from './salesforce/connections.js'
export type { ObjectView } from './salesforce/object-views.js'
export { fieldGroupId } from './salesforce/object-views.js'
export { LiveCloseCode } from './sync/live-sync.js'
export type { RelayProjectionConfig } from './wire-projection.js'
export type {
  CaptureFact,
  CaptureOptions,
  DocRef,
  DraftEntry,
  FieldPermission,
  IntentWrite,
  ObjectPermissions,
  OutboxEntry,
  PendingDoc,
  ProjectionDocs,
  ProjectionHub,
  ProjectionLogger,
  ProjectionMetrics,
  ProjectionOptions,
  ProjectionReport,
  ProjectionSalesforce,
  ProjectionSessions,
  ProjectionStage,
  ProjectionStore,
  Projector,
  ProjectorConfig,
  PullDocs,
  Puller,
  PullerConfig,
  PullerOptions,
  PullReport,
  PullStore,
  RelayProjection,
  RelayProjectionOptions,
  SalesforceConnection,
  SalesforceRequest,
  PostgresProjectionStoreOptions,
  PostgresPullStoreOptions,
  PostgresReplayStoreOptions,
  SqliteProjectionStoreOptions,
  SqlitePullStoreOptions,
  TrackedDoc,
  Watermark,
  WrittenRecord,
} from './projection/index.js'
export {
  PostgresProjectionStore,
  PostgresPullStore,
  PostgresReplayStore,
  SqliteProjectionStore,
  SqlitePullStore,
  createProjector,
  createPuller,
  createRelayProjection,
  hubDocs,
  hubPullDocs,
  sessionsSalesforce,
} from './projection/index.js'
export type {
  DocKey,
  DocMeta,
  DocMetaInput,
  DocWrite,
  FieldGroupRecord,
  ListDocsOptions,
  OAuthStateRecord,
  PendingEntry,
  PendingInput,
  RelayStore,
  SessionRecord,
  StoredDoc,
  StoredUpdate,
  UserRecord,
} from './store/relay-store.js'
export { docKeyString } from './store/relay-store.js'
export type { SqliteRelayStoreOptions } from './store/sqlite-relay-store.js'
export { SqliteRelayStore } from './store/sqlite-relay-store.js'
export type {
  PostgresDatabaseOptions,
  PostgresQueryable,
  PostgresTransactionOptions,
} from './store/postgres-database.js'
export { PostgresDatabase, openPostgresDatabase } from './store/postgres-database.js'
export { POSTGRES_MIGRATIONS } from './store/postgres-schema.js'
export type { PostgresRelayStoreOptions } from './store/postgres-relay-store.js'
export { PostgresRelayStore } from './store/postgres-relay-store.js'
export { StoreError, StoreErrorCode, isStoreError, redactUrl } from './store/store-errors.js'
