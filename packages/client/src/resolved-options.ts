import { BriefcaseClientError, BriefcaseClientErrorCode } from './errors.js'
import type {
  BriefcaseClientOptions,
  BriefcaseLogger,
  BriefcaseTimings,
  WebSocketConstructor,
} from './options.js'
import { DEFAULT_LIVE_SYNC_LIMIT, DEFAULT_TIMINGS } from './options.js'
import type { StorageLayout } from './storage/open-doc-store.js'

/** Client options with every default filled in from `globalThis`. */
export interface ResolvedOptions {
  relayUrl: URL
  liveUrl: string
  session: string | undefined
  indexedDB: IDBFactory
  WebSocket: WebSocketConstructor | null
  fetch: typeof fetch
  now: () => number
  random: () => number
  logger: BriefcaseLogger
  onIgnoredError: (error: unknown, context: string) => void
  liveSyncLimit: number
  timings: BriefcaseTimings
  durability: 'strict' | 'relaxed'
  storageLayout: StorageLayout
  autoSync: boolean
  onLine: () => boolean
  events: EventTarget | null
  document: (EventTarget & { readonly visibilityState: DocumentVisibilityState }) | null
  locks: LockManager | null
  BroadcastChannel: (new (name: string) => BroadcastChannel) | null
}

const silent: BriefcaseLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

interface PageGlobals {
  indexedDB?: IDBFactory
  WebSocket?: WebSocketConstructor
  navigator?: { onLine?: boolean; locks?: LockManager }
  document?: EventTarget & { readonly visibilityState: DocumentVisibilityState }
  BroadcastChannel?: new (name: string) => BroadcastChannel
  addEventListener?: unknown
}

/** Fills in defaults; throws `BRIEFCASE_BAD_REQUEST` / `BRIEFCASE_STORAGE_FAILED` when unusable. */
export function resolveOptions(options: BriefcaseClientOptions): ResolvedOptions {
  const page = globalThis as unknown as PageGlobals
  let relayUrl: URL
  try {
    relayUrl = new URL(String(options.relayUrl))
  } catch (cause) {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.badRequest,
      `Not a relay URL: ${String(options.relayUrl)}`,
      { cause },
    )
  }
  if (!relayUrl.pathname.endsWith('/')) relayUrl.pathname += '/'
  const live = new URL('sync/live', relayUrl)
  live.protocol = relayUrl.protocol === 'https:' ? 'wss:' : 'ws:'
  const indexedDB = options.indexedDB ?? page.indexedDB
  if (!indexedDB) {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.storageFailed,
      'IndexedDB is not available here: pass the `indexedDB` option.',
    )
  }
  const env = options.environment ?? {}
  const logger = options.logger ?? silent
  const pick = <T>(given: T | null | undefined, fallback: T | undefined): T | null =>
    given === undefined ? (fallback ?? null) : given
  return {
    relayUrl,
    liveUrl: live.href,
    session: options.session,
    indexedDB,
    WebSocket: options.WebSocket ?? page.WebSocket ?? null,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    logger,
    onIgnoredError:
      options.onIgnoredError ??
      ((error, context) => logger.debug(`ignored: ${context}`, { error: String(error) })),
    liveSyncLimit: options.liveSyncLimit ?? DEFAULT_LIVE_SYNC_LIMIT,
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    durability: options.durability ?? 'strict',
    storageLayout: options.storageLayout ?? 'shared-database',
    autoSync: options.autoSync ?? true,
    onLine: env.onLine ?? (() => page.navigator?.onLine ?? true),
    events: pick(
      env.events,
      typeof page.addEventListener === 'function'
        ? (globalThis as unknown as EventTarget)
        : undefined,
    ),
    document: pick(env.document, page.document),
    locks: pick(env.locks, page.navigator?.locks),
    BroadcastChannel: pick(env.BroadcastChannel, page.BroadcastChannel),
  }
}
