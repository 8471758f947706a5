import type { Clock } from './clock.js'
import type { FaultInjector } from './faults.js'
import type { ApiLimits } from './limits.js'
import type { OrgLogger } from './logger.js'
import type { Mutex } from './mutex.js'
import type { ConnectedApps } from './oauth/connected-apps.js'
import type { SessionStore } from './oauth/sessions.js'
import type { Schema } from './schema/registry.js'
import type { Caller } from './security/access.js'
import type { FieldAccess, ProfileName } from './security/profiles.js'
import type { CursorStore } from './soql/cursors.js'
import type { RecordStore } from './store/store.js'
import type { OrgStreaming } from './streaming/org-streaming.js'

/** One Salesforce-surface call, as the admin log records it. */
export interface ApiCall {
  readonly method: string
  /** Path without the query string, e.g. `/services/data/v62.0/sobjects/Account`. */
  readonly path: string
  /** The query string without `?` ('' when none). */
  readonly query: string
  /** Username of the caller, or null when the call was not authenticated. */
  readonly user: string | null
  readonly userId: string | null
  /** When the org received the call (ISO 8601, org clock). */
  readonly at: string
  readonly status: number
  /** Whether the call counted against the daily API request limit. */
  readonly counted: boolean
}

/** Everything one org holds. Created by `createOrg`; never shared between orgs. */
export interface OrgState {
  readonly orgId: string
  readonly schema: Schema
  readonly store: RecordStore
  readonly clock: Clock
  readonly logger: OrgLogger
  readonly sessions: SessionStore
  readonly connectedApps: ConnectedApps
  readonly limits: ApiLimits
  readonly faults: FaultInjector
  readonly calls: ApiCall[]
  readonly cursors: CursorStore
  readonly lock: Mutex
  /** userId → password of users who can sign in. */
  readonly passwords: Map<string, string>
  /** Field-level security an admin changed (`Org.setFieldAccess`). */
  readonly fls: Map<string, FieldAccess>
  readonly maxBodyBytes: number
  /** Change Data Capture and the Streaming API's clients. */
  readonly streaming: OrgStreaming
  /** Called after every change to records, so a data file can be saved. */
  readonly changed: () => void
}

/** One request's view of the org: who calls, when, which API version and from which origin. */
export interface RequestContext {
  readonly state: OrgState
  readonly caller: Caller
  /** The request's instant (org clock, ms). */
  readonly now: number
  /** API version without `v`, e.g. `62.0`. */
  readonly version: string
  /** Scheme, host and port the request came to, e.g. `http://127.0.0.1:4010`. */
  readonly origin: string
}

/** The caller for a user Id, read from the User record (inactive or unknown users: undefined). */
export function callerFor(state: OrgState, userId: string): Caller | undefined {
  const user = state.store.get('User', userId)
  if (!user || user.IsActive !== true || user.IsDeleted === true) return undefined
  const profile =
    typeof user.ProfileId === 'string' ? state.store.get('Profile', user.ProfileId) : undefined
  const profileName = (profile?.Name ?? 'Field Rep') as ProfileName
  return { userId, username: String(user.Username), profile: profileName, fls: state.fls }
}

/** The Id of the live user with this username (case-insensitive), if any. */
export function userIdByUsername(state: OrgState, username: string): string | undefined {
  const wanted = username.trim().toLowerCase()
  for (const user of state.store.all('User')) {
    if (user.IsDeleted !== true && String(user.Username).toLowerCase() === wanted)
      return String(user.Id)
  }
  return undefined
}
