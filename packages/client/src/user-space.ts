import type { SchemaResponse, SessionInfo } from '@briefcase/protocol'
import { parseSyncName } from '@briefcase/protocol'
import type { Actor, DocName, HybridClock } from '@briefcase/record'
import { createHybridClock, isDraftKey, parseDeviceId, parseDocName } from '@briefcase/record'
import type { SyncResult } from './briefcase-client.js'
import { BriefcaseClientError, BriefcaseClientErrorCode } from './errors.js'
import type { SyncReason } from './events.js'
import {
  CacheChangeEvent,
  PendingChangeEvent,
  RecordChangeEvent,
  RefreshProgressEvent,
} from './events.js'
import { LiveSync } from './live/live-sync.js'
import type { BriefcaseTimings, WebSocketConstructor } from './options.js'
import { indexEvents } from './pending/index-events.js'
import type { Viewer } from './pending/pending-state.js'
import type { LoadedDoc } from './records/loaded-doc.js'
import { LoadedDocs } from './records/loaded-docs.js'
import { moveDocuments, reopenChanged } from './records/move-documents.js'
import type { OpenRecordHandle } from './records/open-record-handle.js'
import { partitionNames } from './records/record-parts.js'
import type { RelayApi } from './relay/relay-api.js'
import type { CacheIndex, IndexChange } from './storage/cache-index.js'
import { CacheIndex as Index } from './storage/cache-index.js'
import type { DocStore } from './storage/doc-store.js'
import type { IndexRecord } from './storage/index-record.js'
import { docState, relayHasAll } from './storage/index-record.js'
import type { StorageLayout } from './storage/open-doc-store.js'
import { migrateToSharedDatabase } from './storage/layout-migration.js'
import { openDocStore, userPrefix } from './storage/open-doc-store.js'
import type { StorageGuard } from './storage/storage-guard.js'
import { BulkSync } from './sync/bulk-sync.js'
import { BulkLock } from './tabs/bulk-lock.js'
import type { TabMessage } from './tabs/tab-channel.js'
import { TabChannel } from './tabs/tab-channel.js'

/** What a {@link UserSpace} is built from (resolved client options and the session). */
export interface UserSpaceOptions {
  session: SessionInfo
  factory: IDBFactory
  api: RelayApi
  guard: StorageGuard
  timings: BriefcaseTimings
  now: () => number
  random: () => number
  durability: 'strict' | 'relaxed'
  storageLayout: StorageLayout
  autoSync: boolean
  locks: LockManager | null
  BroadcastChannel: (new (name: string) => BroadcastChannel) | null
  WebSocket: WebSocketConstructor | null
  /** `ws(s)://relay/sync/live`. */
  liveUrl: string
  liveSyncLimit: number
  token: () => string | null
  /** True while the client is online. */
  online: () => boolean
  emit: (event: Event) => void
  /** Something in the status (syncing, live records, last refresh) changed. */
  onStatus: () => void
  /** A live connection dropped. */
  onConnectionLost: () => void
  /** Another tab logged the user out. */
  onLoggedOutElsewhere: () => void
  onIgnoredError: (error: unknown, context: string) => void
  /** Records just moved from the `database-per-record` layout into the shared database. */
  onMigrated: (docs: readonly string[]) => void
}

/** The partition ids of a schema, as one string (to tell a changed layout). */
function partitionIds(schema: SchemaResponse): string {
  return (schema.partitions ?? []).map((p) => p.id).join(',')
}

/** A full sync this recent (by any tab) is not repeated on start or reconnect. */
const RECENT_FULL_SYNC_MS = 10_000

/**
 * Everything of one signed-in user on this device: the cache index, the record documents, bulk
 * and live sync, the tab channel and the bulk lock. Created at sign-in (or restore), closed at
 * logout or `close()`.
 */
export class UserSpace {
  readonly o: UserSpaceOptions
  readonly user: string
  readonly prefix: string
  readonly index: CacheIndex
  readonly store: DocStore
  readonly docs: LoadedDocs
  readonly bulk: BulkSync
  readonly live: LiveSync | null
  readonly channel: TabChannel
  readonly lock: BulkLock
  readonly viewer: Viewer
  readonly clock: HybridClock
  readonly actor: Actor
  /** Records whose pending change is being discarded (they leave the list as `null`). */
  readonly discarding: Set<string> = new Set()
  /** Open record handles (their documents are swapped when a record's documents move). */
  readonly handles: Set<OpenRecordHandle> = new Set()
  /** The last move of documents (they run one at a time). */
  moving: Promise<unknown> = Promise.resolve()
  lastRefresh: number | null = null
  #syncs = 0
  readonly #schemas = new Map<string, SchemaResponse>()
  readonly #dirty = new Set<string>()
  readonly #liveWants = new Map<string, number>()
  #pushTimer: ReturnType<typeof setTimeout> | null = null
  #pollTimer: ReturnType<typeof setInterval> | null = null
  #lastOpenPoll = 0
  /** Polls of waiting records that changed nothing in a row: the poll slows down with them. */
  #idlePolls = 0
  #pollTick = 0
  #closed = false

  private constructor(o: UserSpaceOptions, index: CacheIndex) {
    this.o = o
    this.user = o.session.user.id
    this.prefix = userPrefix(this.user)
    this.index = index
    this.viewer = { user: this.user }
    const device = parseDeviceId(o.session.device)
    this.clock = createHybridClock({ device, now: o.now })
    this.actor = { user: this.user, device }
    this.store = openDocStore({
      factory: o.factory,
      user: this.user,
      layout: o.storageLayout,
      durability: o.durability,
      guard: o.guard,
    })
    this.docs = new LoadedDocs({
      store: this.store,
      index,
      actor: this.actor,
      clock: this.clock,
      viewer: this.viewer,
      presence: { id: this.user, name: o.session.user.name, device: o.session.device },
      schema: (sobject) => this.schema(sobject),
      onStored: (doc, record, update, origin) => {
        this.channel.post({ type: 'update', doc, update })
        if (origin === 'local') this.schedulePush(record)
      },
      onChange: (doc, origin) => this.o.emit(new RecordChangeEvent(doc, origin)),
      onIndexChanges: (changes) => this.indexChanged(changes),
      onIgnoredError: o.onIgnoredError,
    })
    this.bulk = new BulkSync({
      api: o.api,
      index,
      docs: this.docs,
      viewer: this.viewer,
      names: (record) => this.recordNames(record.doc, record),
      store: this.store,
      onIndexChanges: (changes) => this.indexChanged(changes),
    })
    this.live = o.WebSocket
      ? new LiveSync({
          url: o.liveUrl,
          WebSocket: o.WebSocket,
          token: o.token,
          limit: o.liveSyncLimit,
          random: o.random,
          reconnectMinMs: o.timings.reconnectMinMs,
          reconnectMaxMs: o.timings.reconnectMaxMs,
          onLiveChange: (doc) => {
            this.docs.get(doc)?.notifyLive()
            this.o.onStatus()
          },
          onLost: o.onConnectionLost,
          onRefused: (doc, error) => {
            const loaded = this.docs.get(doc)
            if (loaded && error?.code === BriefcaseClientErrorCode.documentMoved) {
              // Its unsent edits go to the relay in bulk, which forwards them and says it moved.
              this.sync([loaded.record], 'push').catch((e: unknown) =>
                this.o.onIgnoredError(e, `move ${doc}`),
              )
              return
            }
            if (!loaded || loaded.syncError?.code === error?.code) return
            loaded.syncError = error
            loaded.notifyLive()
          },
          onIgnoredError: o.onIgnoredError,
        })
      : null
    this.channel = new TabChannel(o.BroadcastChannel, `${this.prefix}${o.session.device}`)
    this.channel.onMessage((m) => this.#onTabMessage(m))
    this.lock = new BulkLock(o.locks, `${this.prefix}bulk`)
  }

  /** Opens the user's cache index and starts background work. */
  static async open(o: UserSpaceOptions): Promise<UserSpace> {
    const name = `${userPrefix(o.session.user.id)}index`
    const index = await Index.open(o.factory, name, o.guard, o.durability)
    const space = new UserSpace(o, index)
    if (o.storageLayout === 'shared-database') {
      const moved = await migrateToSharedDatabase({
        factory: o.factory,
        prefix: `${space.prefix}doc:`,
        target: space.store,
        durability: o.durability,
        guard: o.guard,
      })
      if (moved.length > 0) space.o.onMigrated(moved)
    }
    space.lastRefresh = (await index.getMeta<number>('lastRefresh')) ?? null
    if (o.autoSync) {
      space.#pollTimer = setInterval(() => void space.#poll(), o.timings.pendingPollMs)
    }
    return space
  }

  get syncing(): boolean {
    return this.#syncs > 0
  }

  /** The object's schema: memory, then the index, then the relay (and kept). */
  async schema(sobject: string): Promise<SchemaResponse> {
    const known = this.#schemas.get(sobject) ?? (await this.index.getSchema(sobject))
    if (known) {
      this.#schemas.set(sobject, known)
      return known
    }
    if (!this.o.online()) {
      throw new BriefcaseClientError(
        BriefcaseClientErrorCode.notCached,
        `The schema of ${sobject} is not cached and the client is offline.`,
      )
    }
    const fetched = await this.o.api.schema(sobject)
    await this.index.putSchemas([fetched])
    this.#schemas.set(sobject, fetched)
    return fetched
  }

  /** Keeps schemas fetched by a refresh. */
  async rememberSchemas(schemas: readonly SchemaResponse[]): Promise<void> {
    await this.index.putSchemas(schemas)
    for (const s of schemas) this.#schemas.set(s.schema.name, s)
  }

  /**
   * Bulk-syncs documents (all cached ones with `null`), with progress events. Full syncs
   * (`start`, `reconnect`, `refresh`) take the bulk lock, so one tab syncs in bulk at a time;
   * a start or reconnect within 10 s of another full sync is skipped unless `force`.
   */
  async sync(
    docs: readonly string[] | null,
    reason: SyncReason,
    signal?: AbortSignal,
    force = false,
  ): Promise<SyncResult> {
    if (docs !== null) return this.syncHoldingLock(docs, reason, signal)
    return this.lock.run(async () => {
      // Tabs start and reconnect together: a full sync another tab just finished is not redone
      // (its changes reached this tab's open records through the tab channel).
      const last = (await this.index.getMeta<number>('lastFullSync')) ?? 0
      if (!force && reason !== 'refresh' && this.o.now() - last < RECENT_FULL_SYNC_MS) {
        return { total: 0, changed: 0, failed: [] }
      }
      const result = await this.syncHoldingLock(null, reason, signal)
      await this.index.setMeta('lastFullSync', this.o.now())
      return result
    })
  }

  /** {@link sync} for a caller that already holds the bulk lock (refresh). */
  async syncHoldingLock(
    docs: readonly string[] | null,
    reason: SyncReason,
    signal?: AbortSignal,
  ): Promise<SyncResult> {
    this.#syncs += 1
    this.o.onStatus()
    try {
      // A full sync reads every entry once, in one request, and hands them to the bulk sync.
      const entries = docs === null ? await this.index.all() : undefined
      const names = docs ?? (entries ?? []).map((r) => r.doc)
      const { moved, refused, ...result } = await this.bulk.sync(
        names,
        (done, total) => {
          if (reason !== 'push') this.o.emit(new RefreshProgressEvent(done, total, reason))
        },
        signal,
        entries,
      )
      const more: SyncResult[] = []
      if (moved.length > 0 || refused.length > 0) {
        const after = await moveDocuments(this, { moved, refused }, signal)
        if (after) {
          // Those records were synced again: their failures are the new sync's.
          const again = new Set([...moved, ...refused].map((n) => parseSyncName(n).record))
          result.failed = result.failed.filter((f) => !again.has(f.doc))
          more.push(after)
        }
      }
      // A full sync also sees partitions gained or lost since the schemas were fetched.
      const changed = docs === null ? await this.#refetchSchemas(names) : new Set<string>()
      if (changed.size > 0) {
        const again = names.filter((d) => changed.has(parseDocName(d).sobject))
        const next = await this.bulk.sync(again, () => undefined, signal)
        more.push({ total: 0, changed: next.changed, failed: next.failed })
        if (next.moved.length > 0 || next.refused.length > 0) {
          const after = await moveDocuments(this, next, signal)
          if (after) more.push(after)
        }
        await reopenChanged(this, changed)
      }
      return more.reduce(
        (all, r) => ({
          total: all.total,
          changed: all.changed + r.changed,
          failed: [...all.failed, ...r.failed],
        }),
        result,
      )
    } finally {
      this.#syncs -= 1
      this.o.onStatus()
    }
  }

  /**
   * The wire names of a record's documents the user reads now. A draft Salesforce does not have
   * yet: the documents it was created with (another user's draft: its main one only); once
   * created, it is a record like any other, whatever its name. `entry`: its index entry, when
   * the caller has it.
   */
  async recordNames(doc: string, entry?: IndexRecord): Promise<string[]> {
    const { sobject, key } = parseDocName(doc)
    const names = partitionNames(doc, await this.schema(sobject))
    if (!isDraftKey(key)) return names
    const record = entry ?? (await this.index.get(doc))
    if (!record?.draft) return names
    return names.filter((n) => n === doc || docState(record, n) !== null)
  }

  /** Loads every document of a record the user reads (main first) and holds them. */
  async acquireRecord(doc: string): Promise<LoadedDoc[]> {
    const held: LoadedDoc[] = []
    try {
      for (const name of await this.recordNames(doc)) held.push(await this.docs.acquire(name))
    } catch (error) {
      await Promise.all(held.map((l) => this.docs.release(l)))
      throw error
    }
    return held
  }

  /**
   * Fetches the schemas of the objects of `docs` afresh (a full sync), so a readability change
   * (partitions gained or lost) is seen; an object that fails keeps its cached schema.
   */
  async #refetchSchemas(docs: readonly string[]): Promise<Set<string>> {
    const sobjects = new Set(docs.map((d) => parseDocName(d).sobject))
    const fetched: SchemaResponse[] = []
    const changed = new Set<string>()
    for (const sobject of sobjects) {
      try {
        const before = await this.schema(sobject)
        const now = await this.o.api.schema(sobject)
        fetched.push(now)
        if (partitionIds(before) !== partitionIds(now)) changed.add(sobject)
      } catch (error) {
        this.o.onIgnoredError(error, `schema of ${sobject}`)
      }
    }
    if (fetched.length > 0) await this.rememberSchemas(fetched)
    return changed
  }

  /** Pushes a locally changed record soon (debounced). */
  schedulePush(doc: string): void {
    this.#dirty.add(doc)
    this.#idlePolls = 0
    if (!this.o.autoSync || this.#pushTimer !== null) return
    this.#pushTimer = setTimeout(() => {
      this.#pushTimer = null
      void this.pushNow()
    }, this.o.timings.pushDelayMs)
  }

  /** Pushes the records changed since the last push, when online. */
  async pushNow(): Promise<void> {
    if (!this.o.online() || this.#dirty.size === 0) return
    const docs = [...this.#dirty]
    this.#dirty.clear()
    try {
      await this.sync(docs, 'push')
    } catch (error) {
      for (const d of docs) this.#dirty.add(d)
      this.o.onIgnoredError(error, 'push')
    }
  }

  /** The client came online: connect live records and reconcile the cache. */
  onOnline(first: boolean): void {
    this.live?.setEnabled(true)
    if (!this.o.autoSync) return
    this.sync(null, first ? 'start' : 'reconnect')
      .then(async () => {
        // Edits stored while offline (this session or an earlier one) that a full sync skipped
        // as too recent did not send.
        for (const r of await this.index.pending()) {
          if (!relayHasAll(r)) this.#dirty.add(r.doc)
        }
        await this.pushNow()
      })
      // The sync, or the look for what it skipped (the client may have closed meanwhile).
      .catch((e: unknown) => this.o.onIgnoredError(e, 'sync on reconnect'))
  }

  onOffline(): void {
    this.live?.setEnabled(false)
  }

  /** A handle wants its record live (the most recent ones win the bound). */
  wantLive(loaded: LoadedDoc): void {
    this.#liveWants.set(loaded.doc, (this.#liveWants.get(loaded.doc) ?? 0) + 1)
    this.live?.want(loaded)
    if (this.o.online()) this.live?.setEnabled(true)
  }

  unwantLive(doc: string): void {
    const n = (this.#liveWants.get(doc) ?? 0) - 1
    if (n > 0) this.#liveWants.set(doc, n)
    else {
      this.#liveWants.delete(doc)
      this.live?.unwant(doc)
    }
  }

  /** Index entries changed here: events, and the other tabs are told. */
  indexChanged(changes: readonly IndexChange[]): void {
    if (changes.length === 0) return
    for (const event of indexEvents(changes, this.viewer, this.discarding)) this.o.emit(event)
    this.channel.post({ type: 'index', docs: changes.map((c) => c.doc) })
  }

  /** Stops background work and closes connections and databases (the data stays). */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#pushTimer !== null) clearTimeout(this.#pushTimer)
    if (this.#pollTimer !== null) clearInterval(this.#pollTimer)
    this.live?.close()
    this.channel.close()
    await this.docs.closeAll()
    this.store.close()
    this.index.close()
  }

  /**
   * Background poll, every `pendingPollMs`: records the relay holds but Salesforce has not
   * acknowledged yet (backing off up to 16× while nothing changes), and, every `openPollMs`,
   * open records without a live connection.
   */
  async #poll(): Promise<void> {
    if (!this.o.online() || this.syncing) return
    this.#pollTick += 1
    try {
      const docs = new Set<string>()
      const every = 2 ** Math.min(this.#idlePolls, 4)
      if (this.#pollTick % every === 0) {
        for (const r of await this.index.pending()) {
          if (r.syncStatus === 'received' && !this.live?.isLive(r.doc)) docs.add(r.doc)
        }
      }
      const waiting = docs.size
      const now = this.o.now()
      if (now - this.#lastOpenPoll >= this.o.timings.openPollMs) {
        this.#lastOpenPoll = now
        for (const l of this.docs.all()) if (!this.live?.isLive(l.doc)) docs.add(l.doc)
      }
      if (docs.size === 0) return
      const result = await this.sync([...docs], 'push')
      if (waiting > 0) this.#idlePolls = result.changed > 0 ? 0 : this.#idlePolls + 1
    } catch (error) {
      this.o.onIgnoredError(error, 'poll')
    }
  }

  #onTabMessage(message: TabMessage): void {
    switch (message.type) {
      case 'update':
        this.docs.get(message.doc)?.applyFromTab(message.update)
        return
      case 'index':
        this.o.emit(new PendingChangeEvent(null, null, null))
        this.o.emit(new CacheChangeEvent(message.docs as DocName[] | null))
        return
      case 'refreshed':
        this.lastRefresh = message.at
        this.o.onStatus()
        return
      case 'logout':
        this.o.onLoggedOutElsewhere()
        return
    }
  }
}
