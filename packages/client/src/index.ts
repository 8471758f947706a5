/**
 * @packageDocumentation
 * The Briefcase device runtime: record documents persisted in IndexedDB (one database per record,
 * in y-indexeddb's layout), a cache index that lists and counts without opening documents, the
 * cache policy (Salesforce's offline rules: preferences, default policy, session records, 30-day
 * expiry), logout that never loses an unsynced change silently, pending changes with their status,
 * bulk sync of the whole cache and live y-websocket sync of the records on screen. Framework-free:
 * it runs in any page, and in Node with fake-indexeddb and `ws`.
 */
export type {
  BriefcaseClient,
  LogoutResult,
  RefreshOptions,
  RefreshResult,
  SyncFailure,
  SyncResult,
} from './briefcase-client.js'
export type { CacheEntry, CachedDashboard, ListCacheOptions } from './cache-entry.js'
export { CacheSyncStatus } from './cache-entry.js'
export type { ClientStatus } from './client-status.js'
export type { StorageLayout } from './storage/open-doc-store.js'
export { createBriefcaseClient } from './create-client.js'
export type { BriefcaseClientErrorOptions } from './errors.js'
export { BriefcaseClientError, BriefcaseClientErrorCode, isBriefcaseClientError } from './errors.js'
export type {
  BriefcaseClientEventMap,
  ChangeOrigin,
  RecordHandleEventMap,
  SyncReason,
} from './events.js'
export {
  CacheChangeEvent,
  NoticeEvent,
  PendingChangeEvent,
  RecordChangeEvent,
  RefreshProgressEvent,
  StatusChangeEvent,
  StorageErrorEvent,
} from './events.js'
export type {
  BriefcaseClientOptions,
  BriefcaseEnvironment,
  BriefcaseLogger,
  BriefcaseTimings,
  WebSocketConstructor,
} from './options.js'
export { DEFAULT_LIVE_SYNC_LIMIT, DEFAULT_TIMINGS } from './options.js'
export type { PendingChangeView, PendingError } from './pending-view.js'
export { PendingState } from './pending-view.js'
export type { OpenOptions, RecordHandle } from './record-handle.js'
export type { TypedEventTarget } from './typed-event-target.js'
