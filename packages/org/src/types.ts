import type { Hono } from 'hono'
import type { FaultOptions, FaultSettings } from './faults.js'
import type { OrgEnv } from './http/env.js'
import type { OrgLogger } from './logger.js'
import type { ConnectedAppOptions } from './oauth/connected-apps.js'
import type { SeedOptions, SeedSummary } from './seed/seed.js'
import type { OrgUser } from './seed/users.js'
import type { ApiCall } from './state.js'
import type { FieldAccess, ProfileName } from './security/profiles.js'
import type { ChangeDataCaptureSettings, StreamingOptions } from './streaming/change-capture.js'

/** Options of {@link createOrg}. */
export interface OrgOptions {
  /** The org's clock (default `Date.now`); admin clock moves shift it. */
  now?: () => number
  /** Seed of the demo data (default 42); `false` gives an org with only the three users. */
  seed?: number | false
  /** Number of seeded accounts (default 240); the other objects scale with it. */
  accounts?: number
  /** JSON file the org loads at start (if present) and saves to after every change. */
  dataFile?: string
  /** Daily API request allowance (default 100000). */
  apiLimit?: number
  /** Fault injection from the start (default none). */
  faults?: FaultOptions
  /** Access token lifetime in ms (default 2 hours, Salesforce's default session timeout). */
  tokenTtlMs?: number
  /** Redirect URIs of the seeded `briefcase-relay` connected app. */
  redirectUris?: string[]
  /** More connected apps. */
  connectedApps?: ConnectedAppOptions[]
  /** Where the org logs (default: nowhere). */
  logger?: OrgLogger
  /** Largest request body in bytes (default 6 MB); larger bodies answer 413. */
  maxBodyBytes?: number
  /** Change Data Capture and the Streaming API (selected objects, retention, long-poll timing). */
  streaming?: StreamingOptions
}

/** Records of every object as JSON values, deleted ones included (IsDeleted true). */
export type OrgSnapshot = Record<string, Array<Record<string, string | number | boolean | null>>>

/** A local Salesforce org: a Hono app plus an in-process admin API. */
export interface Org {
  /** Serves `/services/*`, `/id/*` and `/__org/*`; mount with `parent.route('/', org.app)`. */
  readonly app: Hono<OrgEnv>
  /** The org's 18-character Id. */
  readonly orgId: string
  /** The seeded users, with their credentials. */
  readonly users: readonly OrgUser[]
  /** Back to the initial state: reseeded, no calls logged, no faults, no API usage, clock reset. Sign-ins survive. */
  reset(): SeedSummary
  /** Replaces all data with a fresh seed (default: the org's seed). */
  seed(options?: SeedOptions): SeedSummary
  /** Every record of every object, deleted ones included. */
  snapshot(): OrgSnapshot
  /** The Salesforce-surface calls received, oldest first (admin calls are never logged). */
  calls(): ApiCall[]
  /** Empties the call log. */
  clearCalls(): void
  /** Replaces the given fault settings; returns the result. */
  setFaults(faults: FaultOptions): FaultSettings
  /** The current fault settings. */
  faults(): FaultSettings
  /** Adds (or extends) a connected app. */
  registerConnectedApp(app: ConnectedAppOptions): void
  /** Saves to `file` (default: the data file). */
  save(file?: string): Promise<void>
  /** Loads from `file` (default: the data file). */
  load(file?: string): Promise<void>
  /** The org clock (ms). */
  now(): number
  /** Moves the org clock by `ms`; returns the new time. */
  advanceClock(ms: number): number
  /** Sets the org clock to an instant (ms or ISO string); returns it. */
  setClock(at: number | string): number
  /**
   * Changes a profile's field-level security for one field (as an admin would in Setup): its
   * users' describes, queries and writes follow it from the next request.
   */
  setFieldAccess(profile: ProfileName, object: string, field: string, access: FieldAccess): void
  /** Removes any clock offset; returns the time. */
  resetClock(): number
  /** An access token for a user, issued in process (no HTTP call, nothing logged). */
  issueToken(username: string): string
  /** Which objects publish change events, the retention window and the allocation. */
  changeDataCapture(): ChangeDataCaptureSettings
  /**
   * Selects the objects that publish change events (Setup → Change Data Capture); at most
   * `maxEntities`. Throws `OrgError` `BRIEFCASE_ORG_INVALID_OPTIONS` otherwise.
   */
  setChangeDataCapture(settings: { entities: readonly string[] }): ChangeDataCaptureSettings
  /**
   * Cuts every Streaming API client: held long polls end and the clients are forgotten, so their
   * next request answers `403::Unknown client` (a dropped connection, for tests).
   */
  dropStreamingClients(): void
  /** Flushes a pending save and stops timers. */
  close(): Promise<void>
}
