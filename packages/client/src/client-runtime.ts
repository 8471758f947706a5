import type {
  LookupResult,
  OfflineItem,
  QuickAction,
  SchemaResponse,
  SessionInfo,
} from '@briefcase/protocol'
import type {
  BriefcaseClient,
  LogoutResult,
  RefreshOptions,
  RefreshResult,
  SyncResult,
} from './briefcase-client.js'
import type { CacheEntry, CachedDashboard, ListCacheOptions } from './cache-entry.js'
import { sweepCache } from './cache/cache-removal.js'
import { checkPreferences, freshOrKept } from './cache/kept-lists.js'
import { refreshCache } from './cache/refresh.js'
import type { ClientStatus } from './client-status.js'
import { BriefcaseClientError, BriefcaseClientErrorCode, isBriefcaseClientError } from './errors.js'
import { StatusChangeEvent, StorageErrorEvent } from './events.js'
import type { PendingChangeView } from './pending-view.js'
import {
  discardChanges,
  dismissNotices,
  pendingChanges,
  retryRecord,
} from './pending/pending-actions.js'
import { undoDelete } from './pending/undo-delete.js'
import type { OpenOptions, RecordHandle } from './record-handle.js'
import { createRecord, lookupRecords, nameOfRecord, openRecord } from './records/record-access.js'
import { RelayApi } from './relay/relay-api.js'
import type { ResolvedOptions } from './resolved-options.js'
import { signInUrl, tokenFromLocation } from './session/sign-in.js'
import { flushForLogout, wipeUser } from './session/logout.js'
import { toCacheEntry } from './storage/cache-entries.js'
import { SessionRegistry } from './storage/session-registry.js'
import { StorageGuard } from './storage/storage-guard.js'
import { Connectivity } from './sync/connectivity.js'
import { UserSpace } from './user-space.js'

/** The {@link BriefcaseClient} implementation. */
export class ClientRuntime extends EventTarget implements BriefcaseClient {
  readonly ready: Promise<void>
  readonly #o: ResolvedOptions
  readonly #guard: StorageGuard
  readonly #api: RelayApi
  readonly #registry: SessionRegistry
  readonly #connectivity: Connectivity
  #session: SessionInfo | null = null
  #token: string | null = null
  #space: UserSpace | null = null
  #syncedOnce = false
  #lastStatus = ''
  #closed = false
  readonly #onVisibility = (): void => this.#visibilityChanged()
  /** Leaving the page while an edit is still being stored asks the user first. */
  readonly #onBeforeUnload = (event: Event): void => {
    if (this.#space?.docs.storing) event.preventDefault()
  }

  constructor(options: ResolvedOptions) {
    super()
    this.#o = options
    this.#guard = new StorageGuard((error, operation, database) =>
      this.dispatchEvent(new StorageErrorEvent(error.code, error, operation, database)),
    )
    this.#api = new RelayApi({
      baseUrl: options.relayUrl,
      fetch: options.fetch,
      token: () => this.#token,
      timeoutMs: options.timings.requestTimeoutMs,
      offline: () => !this.#connectivity.networkAllowed,
      onOutcome: (outcome) => this.#connectivity.report(outcome),
    })
    this.#registry = new SessionRegistry(options.indexedDB, this.#guard)
    this.#connectivity = new Connectivity({
      onLine: options.onLine,
      events: options.events,
      random: options.random,
      reconnectMinMs: options.timings.reconnectMinMs,
      reconnectMaxMs: options.timings.reconnectMaxMs,
      probe: () => this.#probe(),
      onChange: () => this.#emitStatus(),
      onOnline: () => {
        this.#space?.onOnline(!this.#syncedOnce)
        this.#syncedOnce = true
      },
      onOffline: () => this.#space?.onOffline(),
    })
    this.ready = this.#restore()
    this.ready.catch(() => undefined)
  }

  // ── session ──────────────────────────────────────────────────────────────────────────────

  get session(): SessionInfo | null {
    return this.#session
  }

  signInUrl(returnUrl: string): string {
    return signInUrl(this.#o.relayUrl, returnUrl, this.#o.random)
  }

  async completeSignIn(location: string | URL): Promise<SessionInfo> {
    await this.ready.catch(() => undefined)
    const token = tokenFromLocation(location)
    const info = await this.#api.session(token)
    await this.#registry.save({ user: info.user.id, token, info, signedInAt: this.#o.now() })
    if (this.#space && this.#space.user !== info.user.id) await this.#stop()
    this.#token = token
    if (!this.#space) await this.#start(info)
    else this.#session = info
    return info
  }

  async logout(): Promise<LogoutResult> {
    await this.ready.catch(() => undefined)
    const space = this.#space
    if (!space) return { ok: true }
    const flush = await flushForLogout(space)
    if (flush.unsynced.length > 0) {
      return { ok: false, unsynced: flush.unsynced, code: flush.code ?? 'BRIEFCASE_OFFLINE' }
    }
    await this.#endSession()
    return { ok: true }
  }

  async discardAndLogout(): Promise<void> {
    await this.ready.catch(() => undefined)
    await this.#endSession()
  }

  // ── connectivity ─────────────────────────────────────────────────────────────────────────

  get status(): ClientStatus {
    return {
      signedIn: this.#session !== null,
      authenticated: this.#connectivity.authenticated,
      online: this.#connectivity.online,
      forcedOffline: this.#connectivity.forcedOffline,
      reachable: this.#connectivity.reachable,
      syncing: this.#space?.syncing ?? false,
      lastRefresh: this.#space?.lastRefresh ?? null,
      liveRecords: this.#space?.live?.count ?? 0,
    }
  }

  get online(): boolean {
    return this.#connectivity.online
  }

  get syncing(): boolean {
    return this.#space?.syncing ?? false
  }

  goOffline(): void {
    this.#connectivity.goOffline()
  }

  goOnline(): Promise<void> {
    return this.#connectivity.goOnline()
  }

  // ── cache ────────────────────────────────────────────────────────────────────────────────

  async listCache(options?: ListCacheOptions): Promise<CacheEntry[]> {
    const space = await this.#requireSpace()
    return (await space.index.list(options)).map(toCacheEntry)
  }

  async countCache(options: ListCacheOptions = {}): Promise<number> {
    const space = await this.#requireSpace()
    const { sobject, source } = options
    return space.index.count({
      ...(sobject === undefined ? {} : { sobject }),
      ...(source === undefined ? {} : { source }),
    })
  }

  async refresh(options: RefreshOptions = {}): Promise<RefreshResult> {
    return refreshCache(await this.#requireSpace(), options.signal)
  }

  async sync(options: RefreshOptions = {}): Promise<SyncResult> {
    const space = await this.#requireSpace()
    this.#requireOnline('Sync')
    return space.sync(null, 'reconnect', options.signal, true)
  }

  async dashboards(): Promise<CachedDashboard[]> {
    return (await this.#requireSpace()).index.dashboards()
  }

  // ── preferences ──────────────────────────────────────────────────────────────────────────

  offlineItems(): Promise<OfflineItem[]> {
    return this.#remoteOrCached('offlineItems', (api) => api.offlineItems())
  }

  preferences(): Promise<string[]> {
    return this.#remoteOrCached('preferences', (api) => api.preferences())
  }

  async savePreferences(items: readonly string[]): Promise<RefreshResult> {
    checkPreferences(items)
    const space = await this.#requireSpace()
    this.#requireOnline('Saving offline preferences')
    const saved = await this.#api.savePreferences(items)
    await space.index.setMeta('preferences', saved)
    return refreshCache(space)
  }

  // ── records ──────────────────────────────────────────────────────────────────────────────

  async schema(sobject: string): Promise<SchemaResponse> {
    return (await this.#requireSpace()).schema(sobject)
  }

  async quickActions(): Promise<QuickAction[]> {
    const actions = await this.#remoteOrCached('quickActions', (api) => api.quickActions())
    return actions.filter((a) => a.name.endsWith('.create'))
  }

  async lookup(sobject: string, query: string): Promise<LookupResult[]> {
    return lookupRecords(await this.#requireSpace(), sobject, query)
  }

  async recordName(sobject: string, id: string): Promise<string | null> {
    return nameOfRecord(await this.#requireSpace(), sobject, id)
  }

  async open(doc: string, options?: OpenOptions): Promise<RecordHandle> {
    return openRecord(await this.#requireSpace(), doc, options)
  }

  async create(
    sobject: string,
    values: Readonly<Record<string, unknown>> = {},
  ): Promise<RecordHandle> {
    return createRecord(await this.#requireSpace(), sobject, values)
  }

  // ── pending ──────────────────────────────────────────────────────────────────────────────

  async pendingChanges(): Promise<PendingChangeView[]> {
    return pendingChanges(await this.#requireSpace())
  }

  async retry(doc: string): Promise<void> {
    return retryRecord(await this.#requireSpace(), doc)
  }

  async discard(doc: string, fields?: readonly string[]): Promise<void> {
    return discardChanges(await this.#requireSpace(), doc, fields)
  }

  async undoDelete(doc: string): Promise<void> {
    return undoDelete(await this.#requireSpace(), doc)
  }

  async dismissNotices(doc: string): Promise<void> {
    return dismissNotices(await this.#requireSpace(), doc)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.ready.catch(() => undefined)
    await this.#stop()
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────

  async #restore(): Promise<void> {
    const given = this.#o.session
    const stored = await this.#registry.find(given)
    if (stored) {
      this.#token = stored.token
      await this.#start(stored.info)
      return
    }
    if (given === undefined) return
    const info = await this.#api.session(given)
    this.#token = given
    await this.#registry.save({ user: info.user.id, token: given, info, signedInAt: this.#o.now() })
    await this.#start(info)
  }

  async #start(info: SessionInfo): Promise<void> {
    if (info.engine !== 'yjs') {
      throw new BriefcaseClientError(
        BriefcaseClientErrorCode.unsupportedEngine,
        `The relay stores ${info.engine} documents; this client persists and syncs Yjs documents.`,
      )
    }
    if (this.#closed) return
    this.#session = info
    const space = await UserSpace.open({
      session: info,
      factory: this.#o.indexedDB,
      api: this.#api,
      guard: this.#guard,
      timings: this.#o.timings,
      now: this.#o.now,
      random: this.#o.random,
      durability: this.#o.durability,
      storageLayout: this.#o.storageLayout,
      autoSync: this.#o.autoSync,
      locks: this.#o.locks,
      BroadcastChannel: this.#o.BroadcastChannel,
      WebSocket: this.#o.WebSocket,
      liveUrl: this.#o.liveUrl,
      liveSyncLimit: this.#o.liveSyncLimit,
      token: () => this.#token,
      online: () => this.#connectivity.online,
      emit: (event) => this.dispatchEvent(event),
      onStatus: () => this.#emitStatus(),
      onConnectionLost: () => this.#connectivity.lost(),
      onLoggedOutElsewhere: () => void this.#stop(),
      onIgnoredError: this.#o.onIgnoredError,
      onMigrated: (docs) =>
        this.#o.logger.info('moved records into the shared database', { records: docs.length }),
    })
    this.#space = space
    try {
      await sweepCache(space)
    } catch (error) {
      this.#o.onIgnoredError(error, 'sweep the cache on start')
    }
    this.#o.document?.addEventListener('visibilitychange', this.#onVisibility)
    this.#o.events?.addEventListener('beforeunload', this.#onBeforeUnload)
    this.#connectivity.start()
    this.#emitStatus()
  }

  /** Closes the user's space (data kept) and forgets the session in memory. */
  async #stop(): Promise<void> {
    const space = this.#space
    this.#space = null
    this.#session = null
    this.#syncedOnce = false
    this.#o.document?.removeEventListener('visibilitychange', this.#onVisibility)
    this.#o.events?.removeEventListener('beforeunload', this.#onBeforeUnload)
    this.#connectivity.stop()
    await space?.close()
    this.#emitStatus()
  }

  /** Revokes the session when possible and deletes every database of the user. */
  async #endSession(): Promise<void> {
    const space = this.#space
    const user = this.#session?.user.id
    if (this.#connectivity.online) {
      await this.#api.logout().catch((e: unknown) => this.#o.onIgnoredError(e, 'revoke session'))
    }
    this.#space = null
    if (user !== undefined) {
      await wipeUser({
        factory: this.#o.indexedDB,
        user,
        space,
        registry: this.#registry,
        guard: this.#guard,
      })
    }
    this.#token = null
    await this.#stop()
  }

  async #probe(): Promise<void> {
    try {
      const info = await this.#api.session()
      if (this.#session && info.user.id === this.#session.user.id) this.#session = info
    } catch (error) {
      if (!isBriefcaseClientError(error)) this.#o.onIgnoredError(error, 'probe the relay')
    }
  }

  #visibilityChanged(): void {
    const space = this.#space
    space?.live?.setHidden(this.#o.document?.visibilityState === 'hidden')
    if (!space || !this.#o.autoSync || this.#o.document?.visibilityState !== 'hidden') return
    if (!this.#connectivity.online) return
    const last = space.lastRefresh
    if (last !== null && this.#o.now() - last <= this.#o.timings.autoRefreshAfterMs) return
    refreshCache(space).catch((e: unknown) => this.#o.onIgnoredError(e, 'refresh in background'))
  }

  async #requireSpace(): Promise<UserSpace> {
    await this.ready.catch(() => undefined)
    if (this.#closed) {
      throw new BriefcaseClientError(BriefcaseClientErrorCode.closed, 'The client is closed.')
    }
    if (!this.#space) {
      throw new BriefcaseClientError(BriefcaseClientErrorCode.unauthenticated, 'Not signed in.')
    }
    return this.#space
  }

  #requireOnline(what: string): void {
    if (!this.#connectivity.online) {
      throw new BriefcaseClientError(BriefcaseClientErrorCode.offline, `${what} needs the relay.`)
    }
  }

  /** Fetches from the relay when online (and keeps it); the kept copy otherwise. */
  async #remoteOrCached<T>(key: string, fetch: (api: RelayApi) => Promise<T>): Promise<T> {
    const space = await this.#requireSpace()
    return freshOrKept(space.index, key, this.#connectivity.online, () => fetch(this.#api))
  }

  #emitStatus(): void {
    const status = this.status
    const key = JSON.stringify(status)
    if (key === this.#lastStatus) return
    this.#lastStatus = key
    this.dispatchEvent(new StatusChangeEvent(status))
  }
}
