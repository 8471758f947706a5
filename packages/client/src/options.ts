import type { StorageLayout } from './storage/open-doc-store.js'

/** A namespaced logger (the client never writes to the console). */
export interface BriefcaseLogger {
  debug(message: string, data?: Record<string, unknown>): void
  info(message: string, data?: Record<string, unknown>): void
  warn(message: string, data?: Record<string, unknown>): void
  error(message: string, data?: Record<string, unknown>): void
}

/** What the client needs of a WebSocket constructor (the browser's, or `ws` in Node). */
export type WebSocketConstructor = new (
  url: string | URL,
  protocols?: string | string[],
) => WebSocket

/**
 * Durations the cache policy and sync use, in ms. The defaults are Salesforce's rules and
 * reasonable network behaviour; tests shorten them.
 */
export interface BriefcaseTimings {
  /** A record leaves the cache this long after its last access. Default 30 days. */
  expiryMs: number
  /** Going to the background refreshes when the last refresh is older than this. Default 1 h. */
  autoRefreshAfterMs: number
  /** First reconnect delay; doubles per failure up to `reconnectMaxMs`, with full jitter. Default 500. */
  reconnectMinMs: number
  /** Longest reconnect delay. Default 30 s. */
  reconnectMaxMs: number
  /** A request to the relay fails (and the relay counts as unreachable) after this. Default 15 s. */
  requestTimeoutMs: number
  /** Local changes are pushed to the relay in bulk this long after the last one. Default 250. */
  pushDelayMs: number
  /**
   * While changes are received by the relay but not yet written to Salesforce, their records are
   * polled this often (live records need no poll). Default 5 s.
   */
  pendingPollMs: number
  /** Records open on screen without a live connection are polled this often. Default 15 s. */
  openPollMs: number
}

/**
 * What the client reads of its surroundings. Defaults come from `globalThis` (window, navigator,
 * document) where they exist; Node has none of them, so Node defaults to always online as far as
 * `navigator.onLine` goes, no visibility changes, an in-process lock and Node's BroadcastChannel.
 */
export interface BriefcaseEnvironment {
  /** `navigator.onLine`. */
  onLine?: (() => boolean) | null
  /** Fires `online` and `offline` (the window). */
  events?: EventTarget | null
  /** Fires `visibilitychange`; `visibilityState` says whether the page is hidden (the document). */
  document?: (EventTarget & { readonly visibilityState: DocumentVisibilityState }) | null
  /** `navigator.locks`: one tab syncs in bulk at a time. `null`: an in-process lock only. */
  locks?: LockManager | null
  /** Carries edits between tabs of the same user at once. `null`: no tab channel. */
  BroadcastChannel?: (new (name: string) => BroadcastChannel) | null
}

/** Options of `createBriefcaseClient`. Everything the client touches is injected here. */
export interface BriefcaseClientOptions {
  /** The relay's base URL (`https://relay.example.com`); WebSocket URLs are derived from it. */
  relayUrl: string | URL
  /**
   * A relay session token to use (tests get one from `signInDevice`). Without it the client
   * restores the last session of this browser, or waits for `completeSignIn()`.
   */
  session?: string
  /** The IndexedDB factory. Default `globalThis.indexedDB` (Node tests: fake-indexeddb's `new IDBFactory()`). */
  indexedDB?: IDBFactory
  /** The WebSocket constructor for live sync. Default `globalThis.WebSocket` (Node 20: pass `ws`). */
  WebSocket?: WebSocketConstructor
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch
  /** Wall clock, ms since the epoch (expiry, HLC, refresh age). Default `Date.now`. */
  now?: () => number
  /** Uniform random in [0, 1) (jitter, draft keys). Default `Math.random`. */
  random?: () => number
  /** Default: a logger that drops everything. */
  logger?: BriefcaseLogger
  /** Receives errors the client absorbs (a failed background view mark, a closed socket, …). */
  onIgnoredError?: (error: unknown, context: string) => void
  /** Most records with a live WebSocket at once (the most recently opened win). Default 8. */
  liveSyncLimit?: number
  /** Durations; see {@link BriefcaseTimings}. */
  timings?: Partial<BriefcaseTimings>
  /** Surroundings; see {@link BriefcaseEnvironment}. */
  environment?: BriefcaseEnvironment
  /**
   * IndexedDB durability of edits: `strict` (default) completes only after the OS flushed the
   * write to disk; `relaxed` completes once the OS has it (survives a tab or browser crash, not a
   * power cut).
   */
  durability?: 'strict' | 'relaxed'
  /**
   * Where record documents are stored. `shared-database` (default): every record in
   * `briefcase:<userId>:docs`, about 1.7 KB per record on disk in Chromium. `database-per-record`:
   * one IndexedDB database per record, `briefcase:<userId>:doc:<SObject>/<key>`, in y-indexeddb's
   * layout (y-indexeddb opens them); Chromium keeps each database in its own files (about 75 KB
   * per record; see BENCHMARKS.md). A `shared-database` client moves records it finds in the
   * `database-per-record` layout into the shared database when it opens the user's cache
   * (pending edits included, nothing lost). Switching back does not move data (records
   * re-download on the next refresh; keep that layout only for y-indexeddb interoperability).
   */
  storageLayout?: StorageLayout
  /**
   * Sync on start, reconnect and edits, and refresh on going to the background (default `true`).
   * With `false` the client syncs only when asked (`refresh()`, `syncNow()`): for tests.
   */
  autoSync?: boolean
}

/** The default timings. */
export const DEFAULT_TIMINGS: Readonly<BriefcaseTimings> = Object.freeze({
  expiryMs: 30 * 24 * 60 * 60 * 1000,
  autoRefreshAfterMs: 60 * 60 * 1000,
  reconnectMinMs: 500,
  reconnectMaxMs: 30_000,
  requestTimeoutMs: 15_000,
  pushDelayMs: 250,
  pendingPollMs: 5_000,
  openPollMs: 15_000,
})

/** The default number of records with a live connection. */
export const DEFAULT_LIVE_SYNC_LIMIT = 8
