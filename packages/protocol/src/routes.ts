/**
 * The relay's routes. The org emulator, when embedded in the same server, owns `/services/*`,
 * `/id/*` and `/__org/*`; the relay owns everything below.
 */
export const Route = {
  /** Browser sign-in: redirects to the org's OAuth authorize page (PKCE). Query: `device`, `return`. */
  login: '/auth/login',
  /** OAuth redirect URI registered with the org's connected app. */
  callback: '/auth/callback',
  /** `GET`: the current session. */
  session: '/auth/session',
  /** `POST`: revoke the current session. */
  logout: '/auth/logout',
  /** `POST` (binary): many documents' state vectors and updates in one request. */
  bulkSync: '/sync/bulk',
  /**
   * `POST` (streamed): any number of documents as length-prefixed frames in one request, answered
   * as frames in one streamed response, each part of it durable before it is sent (format
   * version 2, `bulk-stream.ts`). Older relays lack it (404): clients then use `bulkSync`.
   */
  bulkStream: '/sync/bulk/stream',
  /** WebSocket, y-protocols: `/sync/live/<SObject>/<key>?token=…`. */
  live: '/sync/live',
  /** `GET /api/schemas/<SObject>`: the object's schema as the user sees it. */
  schemas: '/api/schemas',
  /** `GET`: what can be chosen as offline preferences. */
  offlineItems: '/api/offline-items',
  /** `GET` / `PUT`: the user's offline preferences (at most 7). */
  preferences: '/api/preferences',
  /**
   * `POST`: the records (Ids and names) and dashboards to cache now; streamed as lines
   * (`cache-plan-stream.ts`) when asked with `Accept: application/x-ndjson`. The records'
   * documents are loaded by the bulk sync that follows, not by the plan.
   */
  cachePlan: '/api/cache-plan',
  /** `POST /api/records/<SObject>/<key>/view`: the user opened a record (marks it viewed). */
  records: '/api/records',
  /** `GET`: create actions (`<Object>.create`) for the "+" menu. */
  quickActions: '/api/quick-actions',
  /** `GET /api/lookup/<SObject>?q=…`: records by name, for lookup fields; `?id=…`: one record's name. */
  lookup: '/api/lookup',
  /** `GET`: Prometheus metrics. */
  metrics: '/metrics',
} as const

/** Header carrying the relay session on HTTP requests: `Authorization: Bearer <token>`. */
export const AUTHORIZATION = 'authorization'

/** Query parameter carrying the relay session on WebSocket upgrades (browsers cannot set headers). */
export const TOKEN_PARAM = 'token'

/** The fragment parameter the sign-in flow returns the session in: `#briefcase_session=<token>`. */
export const SESSION_FRAGMENT = 'briefcase_session'

/** Most documents one plain bulk request (`/sync/bulk`) may carry; the streamed one has no cap. */
export const MAX_BULK_DOCS = 5000

/** Largest bulk request body, in bytes. */
export const MAX_BULK_BYTES: number = 64 * 1024 * 1024

/** Largest live-sync frame, in bytes. */
export const MAX_FRAME_BYTES: number = 4 * 1024 * 1024

/** Most offline preference items (Salesforce's rule). */
export const MAX_PREFERENCES = 7
