import type {
  LookupResult,
  OfflineItem,
  QuickAction,
  SchemaResponse,
  SessionInfo,
} from '@briefcase/protocol'
import type { DocName } from '@briefcase/record'
import type { CacheEntry, CachedDashboard, ListCacheOptions } from './cache-entry.js'
import type { ClientStatus } from './client-status.js'
import type { BriefcaseClientEventMap } from './events.js'
import type { PendingChangeView } from './pending-view.js'
import type { TypedEventTarget } from './typed-event-target.js'
import type { OpenOptions, RecordHandle } from './record-handle.js'

/** What `logout()` did. */
export type LogoutResult =
  | { ok: true }
  | {
      ok: false
      /** Changes the relay does not hold yet: they would be lost by `discardAndLogout()`. */
      unsynced: PendingChangeView[]
      /** Why the flush could not finish (`BRIEFCASE_OFFLINE`, `BRIEFCASE_UNAUTHENTICATED`, …). */
      code: string
    }

/** Options of `refresh()` and `sync()`. */
export interface RefreshOptions {
  /** Aborts the refresh between batches (rejects with an `AbortError`); what was applied stays. */
  signal?: AbortSignal
}

/** A record a sync could not bring (it stays as it was on the device). */
export interface SyncFailure {
  doc: DocName
  /** The relay's code (`BRIEFCASE_FORBIDDEN`, `BRIEFCASE_NOT_FOUND`, …). */
  code: string
  message: string
}

/** What a bulk sync did. */
export interface SyncResult {
  /** Records sent in the bulk requests. */
  total: number
  /** Records that changed on this device because of it. */
  changed: number
  failed: SyncFailure[]
}

/** What a refresh did. */
export interface RefreshResult extends SyncResult {
  /** Records that joined the cache. */
  added: number
  /** Records that left it (no longer planned, or expired). */
  removed: number
  /** True when no offline preference is saved and the default policy applied. */
  usingDefault: boolean
  /** When it completed, ms since the epoch. */
  at: number
}

/**
 * The device runtime of Briefcase for one user: the offline cache (IndexedDB), its policy,
 * preferences, record editing online and offline, pending changes, and sync with the relay.
 * An `EventTarget`; see {@link BriefcaseClientEventMap} for the events.
 *
 * @example
 * ```ts
 * const client = createBriefcaseClient({ relayUrl: 'https://relay.example.com' })
 * await client.ready
 * if (!client.session) {
 *   if (location.hash.includes('briefcase_session=')) await client.completeSignIn(location.href)
 *   else location.assign(client.signInUrl(location.href))
 * }
 * const records = await client.listCache()
 * ```
 */
export interface BriefcaseClient extends TypedEventTarget<BriefcaseClientEventMap> {
  /** Resolves once the client restored its session (if any) and opened its cache. */
  readonly ready: Promise<void>

  // ── session ────────────────────────────────────────────────────────────────────────────────

  /** The signed-in user, device and relay engine; `null` when signed out. */
  readonly session: SessionInfo | null
  /** The URL to send the browser to for signing in; it comes back to `returnUrl#briefcase_session=…`. */
  signInUrl(returnUrl: string): string
  /**
   * Reads `#briefcase_session=<token>` from the URL the sign-in returned to, checks it with the
   * relay and starts the client for that user (an empty cache: it fills on refresh). Remove the
   * fragment afterwards (`history.replaceState`).
   */
  completeSignIn(location: string | URL): Promise<SessionInfo>
  /**
   * Flushes pending changes to the relay, ends the session and deletes every IndexedDB database
   * of the user. When the flush cannot finish (offline, relay down), nothing is deleted and the
   * changes that would be lost are returned; call `discardAndLogout()` to drop them.
   */
  logout(): Promise<LogoutResult>
  /** Ends the session and deletes the user's data, unsynced changes included. */
  discardAndLogout(): Promise<void>

  // ── connectivity ───────────────────────────────────────────────────────────────────────────

  readonly status: ClientStatus
  /** Shorthand for `status.online`. */
  readonly online: boolean
  /** Shorthand for `status.syncing`. */
  readonly syncing: boolean
  /** Stops all network use (closes live connections, stops syncing) until `goOnline()`. */
  goOffline(): void
  /** Lifts `goOffline()`, checks the relay and syncs the cache. */
  goOnline(): Promise<void>

  // ── cache ──────────────────────────────────────────────────────────────────────────────────

  /** Cached records, most recently accessed first, from the cache index only. */
  listCache(options?: ListCacheOptions): Promise<CacheEntry[]>
  /** Number of cached records, from the cache index only. */
  countCache(options?: ListCacheOptions): Promise<number>
  /**
   * Asks the relay for the cache plan, applies it (adds planned records, drops those no longer
   * planned or expired unless a change is pending), syncs every cached record in bulk with
   * `refresh-progress` events, and caches dashboard snapshots.
   */
  refresh(options?: RefreshOptions): Promise<RefreshResult>
  /** Bulk-syncs every cached record now (no new plan). */
  sync(options?: RefreshOptions): Promise<SyncResult>
  /** Dashboard snapshots cached by the last refresh (read-only). */
  dashboards(): Promise<CachedDashboard[]>

  // ── preferences ────────────────────────────────────────────────────────────────────────────

  /** What can be chosen as offline items (cached for offline reading). */
  offlineItems(): Promise<OfflineItem[]>
  /** The chosen offline item ids (cached for offline reading). */
  preferences(): Promise<string[]>
  /**
   * Saves offline preferences, then refreshes. More than 7 items reject with
   * `BRIEFCASE_TOO_MANY_PREFERENCES` before any network call. At least one item replaces the
   * default cache; an empty list restores it.
   */
  savePreferences(items: readonly string[]): Promise<RefreshResult>

  // ── records ────────────────────────────────────────────────────────────────────────────────

  /** The object's schema (cached for offline use). */
  schema(sobject: string): Promise<SchemaResponse>
  /** The "+" menu: `<Object>.create` quick actions (cached for offline use). */
  quickActions(): Promise<QuickAction[]>
  /**
   * Records by name for a lookup field: the relay's matches when online, plus cached records of
   * the object (drafts included, with their draft key as `id`). Offline: cached records only.
   */
  lookup(sobject: string, query: string): Promise<LookupResult[]>
  /**
   * The name of the record a lookup holds (a Salesforce Id or a draft key): from the cache, else
   * from the relay when online; `null` when neither knows it.
   */
  recordName(sobject: string, id: string): Promise<string | null>
  /**
   * Opens a record: from the cache at once (resets its expiry), or from the relay when online
   * (it joins the cache). Offline and not cached: `BRIEFCASE_NOT_CACHED`.
   */
  open(doc: string, options?: OpenOptions): Promise<RecordHandle>
  /** Creates a record under a new draft key (online or offline); it joins the cache. */
  create(sobject: string, values?: Readonly<Record<string, unknown>>): Promise<RecordHandle>

  // ── pending changes ────────────────────────────────────────────────────────────────────────

  /** Records with a change Salesforce does not have, or a notice, in order of first change. */
  pendingChanges(): Promise<PendingChangeView[]>
  /** Sends the record's changes again now (after fixing a failure, or to retry the network). */
  retry(doc: string): Promise<void>
  /**
   * Puts back Salesforce's values (the shadow) of the record's pending fields, or of `fields`,
   * as new edits, so every device converges. Discarding a create deletes the draft. A pending
   * delete cannot be discarded (`BRIEFCASE_INVALID_OPERATION`: deletes win); see `undoDelete()`.
   */
  discard(doc: string, fields?: readonly string[]): Promise<void>
  /**
   * Takes back this device's delete of a record while it is still on the device only (its
   * pending change is `saved`, not yet `received` by the relay): the record returns with the
   * edits it held. Once the relay holds the delete it rejects with
   * `BRIEFCASE_INVALID_OPERATION` (other devices may have it, and deletes win).
   */
  undoDelete(doc: string): Promise<void>
  /** Drops this device's superseded and deleted notices of the record once the user saw them. */
  dismissNotices(doc: string): Promise<void>

  /** Stops timers, closes connections and databases. The data stays. */
  close(): Promise<void>
}
