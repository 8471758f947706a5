import type { Logger } from 'pino'
import type { RelaySecrets } from '../auth/secrets.js'
import type { Sessions } from '../auth/sessions.js'
import type { CachePlanner } from '../cache/cache-planner.js'
import type { DocHub } from '../docs/doc-hub.js'
import type { DocResolver } from '../docs/doc-resolver.js'
import type { ObjectLayouts } from '../docs/object-layouts.js'
import type { RetiredDocs } from '../docs/retired-docs.js'
import type { RelayMetrics } from '../metrics/relay-metrics.js'
import type { SalesforceSessions } from '../salesforce/connections.js'
import type { ObjectViews } from '../salesforce/object-views.js'
import type { RecordAccess } from '../salesforce/record-access.js'
import type { RecordRights } from '../salesforce/record-rights.js'
import type { RelayStore } from '../store/relay-store.js'
import type { LiveSync } from '../sync/live-sync.js'

/** Everything the routes use, built once by `createRelay`. */
export interface RelayServices {
  logger: Logger
  now: () => number
  store: RelayStore
  hub: DocHub
  secrets: RelaySecrets
  sessions: Sessions
  salesforce: SalesforceSessions
  views: ObjectViews
  access: RecordAccess
  /** Record-level rights (edit, delete) per user, from `UserRecordAccess`. */
  rights: RecordRights
  resolver: DocResolver
  layouts: ObjectLayouts
  retired: RetiredDocs
  metrics: RelayMetrics
  live: LiveSync
  cache: CachePlanner
  /** Origins `return` may point to after sign-in (the relay's own origin is always allowed). */
  returnOrigins: ReadonlySet<string>
  /** The bearer token `/metrics` asks for (none: open). */
  metricsToken: string | undefined
}
