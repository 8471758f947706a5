/** The client's connection and sync state, as `status-change` events report it. */
export interface ClientStatus {
  /** A session is known (restored or completed); cached data can be read and edited. */
  signedIn: boolean
  /** The relay accepted the session the last time it was asked (`false`: sign in again). */
  authenticated: boolean
  /** `navigator.onLine`, the relay reachable and not forced offline: sync runs. */
  online: boolean
  /** `goOffline()` was called and `goOnline()` not yet. */
  forcedOffline: boolean
  /** The last answer (or failure) of the relay; `null` before the first request. */
  reachable: boolean | null
  /** A bulk sync or refresh is running in this tab. */
  syncing: boolean
  /** Last completed refresh, ms since the epoch, or `null` (never since sign-in). */
  lastRefresh: number | null
  /** Records open on screen with a live connection. */
  liveRecords: number
}
