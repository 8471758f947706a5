import { MAX_FRAME_BYTES } from '@briefcase/protocol'
import type { MergeEngine } from '@briefcase/record'
import { yjsEngine } from '@briefcase/record'
import type { WebSocketServerLike } from '@hono/node-server'
import type { Hono } from 'hono'
import type { Connection } from 'jsforce'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { WebSocketServer } from 'ws'
import { createApp } from './app/app.js'
import type { RelayEnv } from './app/env.js'
import type { RelayServices } from './app/services.js'
import type { StaticAsset } from './app/static-assets.js'
import { createSecrets } from './auth/secrets.js'
import { createSessions } from './auth/sessions.js'
import { BusBridge } from './bus/bus-bridge.js'
import type { RelayBus } from './bus/relay-bus.js'
import { LocalRelayBus } from './bus/relay-bus.js'
import type { Leases } from './lease/leases.js'
import type { BriefcaseFilter } from './cache/briefcase-filters.js'
import { DEFAULT_BRIEFCASE_FILTERS } from './cache/briefcase-filters.js'
import { CachePlanner } from './cache/cache-planner.js'
import { FillStreams } from './cache/fill-streams.js'
import { DocHub } from './docs/doc-hub.js'
import { CreationLocks } from './docs/creation-locks.js'
import { DocResolver } from './docs/doc-resolver.js'
import { isLiveOrigin } from './docs/doc-write.js'
import { ObjectLayouts } from './docs/object-layouts.js'
import { RetiredDocs } from './docs/retired-docs.js'
import { RelayMetrics } from './metrics/relay-metrics.js'
import type { SalesforceOptions } from './salesforce/connections.js'
import { SalesforceSessions } from './salesforce/connections.js'
import type { ObjectView } from './salesforce/object-views.js'
import { ObjectViews } from './salesforce/object-views.js'
import { RecordAccess } from './salesforce/record-access.js'
import { RecordRights } from './salesforce/record-rights.js'
import { isNoAccessCode } from './salesforce/salesforce-errors.js'
import type { CaptureOptions } from './projection/plan-types.js'
import type { RelayProjection } from './projection/relay-projection.js'
import type { RelayStore } from './store/relay-store.js'
import { LiveSync } from './sync/live-sync.js'
import type { RelayProjectionConfig } from './wire-projection.js'
import { capturedFields, wireProjection } from './wire-projection.js'

/** How long after the relay is made prom-client is loaded, unless `/metrics` is scraped first. */
const METRICS_LOAD_DELAY_MS = 1000

/** The external-Id field holding a draft key (devices never write it). */
const DRAFT_KEY_FIELD = 'Briefcase_Draft_Key__c'

/** Options of {@link createRelay}. Every dependency comes in here; nothing is read from the environment. */
export interface RelayOptions {
  /** The durable store (`SqliteRelayStore` embedded). */
  store: RelayStore
  /** The org's connected app and API version. */
  salesforce: SalesforceOptions
  /** Secret the session tokens are signed with and refresh tokens encrypted with (≥ 16 chars). */
  sessionSecret: string
  /** Relay session lifetime (default 30 days). */
  sessionTtlMs?: number
  /** The merge engine (default and only one the relay syncs: Yjs). */
  engine?: MergeEngine
  logger: Logger
  /** Registry `/metrics` serves (default a new one). */
  metrics?: Registry
  /** Clock in ms (default `Date.now`). */
  now?: () => number
  /** Briefcase filters offered as offline items (default {@link DEFAULT_BRIEFCASE_FILTERS}). */
  briefcaseFilters?: readonly BriefcaseFilter[]
  /** Origins besides the relay's own that sign-in may return to. */
  returnOrigins?: readonly string[]
  /** Fields devices may never write, per object, besides the draft-key field. */
  readOnlyFields?: Readonly<Record<string, readonly string[]>>
  /** Documents kept in memory when unused (default 5000). */
  maxHotDocs?: number
  /** Encoded bytes of the documents kept in memory when unused (default 32 MiB). */
  maxHotBytes?: number
  /** Compact a document after this many updates (default 200). */
  compactAfter?: number
  /** Live-sync ping period in ms (default 30 000). */
  livePingIntervalMs?: number
  /** How often open live connections' access is re-checked, in ms (default 120 000). */
  liveAccessRecheckMs?: number
  /**
   * How long a user's describe and record access are trusted, in ms (defaults 10 min, 60 s), and
   * record rights of a record held open live (re-checked meanwhile; default 5 min).
   */
  cacheTtlMs?: { describe?: number; access?: number; heldAccess?: number }
  /**
   * The projector (merged state → Salesforce writes) and the puller (Salesforce changes →
   * documents): on by default, their stores in the SQLite store's database; `false`: the relay
   * syncs devices but never writes to Salesforce (tests that drive a projector themselves).
   */
  projection?: RelayProjectionConfig | false
  /** Client-side facts the projector writes into custom fields, per object (devices never write them). */
  capture?: CaptureOptions
  /**
   * The WebSocket server live sync upgrades into, when the HTTP server had to exist before the
   * relay (to learn its port): make it with {@link createLiveSocketServer}. Default: a new one.
   */
  websocketServer?: WebSocketServer
  /**
   * Files served as they are, after the routes and under the same CORS policy (the elements
   * bundle, a demo page), with `Cache-Control` and ETags. Default: none.
   */
  assets?: readonly StaticAsset[]
  /** A bearer token `/metrics` then requires (`Authorization: Bearer …`). Default: open. */
  metricsToken?: string
  /**
   * Live fan-out to the other relays sharing the store (`RedisRelayBus`). Default: none, the
   * relay is alone. A shared bus also makes the hub catch hot documents up from the store.
   */
  bus?: RelayBus
  /**
   * How often documents held live are caught up from the store with a shared bus, and the
   * objects' layouts read again (a layout change whose bus message was lost; default 5 s).
   */
  busCatchUpMs?: number
  /**
   * Which relay projects which record and which one pulls, among relays sharing the store
   * (`PostgresLeases`; the caller closes them). Default: this relay does everything.
   */
  leases?: Leases
}

/**
 * A `ws` server for live sync: no port of its own (`noServer`), frames up to `MAX_FRAME_BYTES`
 * (a larger frame closes its connection with 1009).
 */
export function createLiveSocketServer(): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
}

/** Salesforce as the projector and the puller use it: each user's own session. */
export interface RelaySalesforce {
  /** The user's jsforce connection (throws a `RelayError` without a stored sign-in). */
  connectionFor(userId: string): Promise<Connection>
  /** The object as the user sees it: readable fields, rights, the user's view (cached). */
  describeFor(userId: string, sobject: string): Promise<ObjectView>
  /** Drops what is known of a user's (or everyone's) access to a record, after a 403/404. */
  forgetAccess(id: string, userId?: string): void
}

/** A relay: the Hono app, its WebSocket server, and the ports the projector uses. */
export interface Relay {
  /** The HTTP app (`serve({ fetch: relay.app.fetch, websocket: relay.websocket })`). */
  readonly app: Hono<RelayEnv>
  /** The WebSocket server live sync upgrades into (no port of its own; frames ≤ MAX_FRAME_BYTES). */
  readonly websocket: { server: WebSocketServerLike }
  /** The document hub: open, mutate, list pending, commit notifications. */
  readonly hub: DocHub
  readonly salesforce: RelaySalesforce
  readonly metrics: RelayMetrics
  /** The projector and the puller (undefined with `projection: false`). */
  readonly projection: RelayProjection | undefined
  /** Starts background work: the projector and the puller, store housekeeping. */
  start(): void
  /** Stops background work, closes live connections and commits what is queued. */
  close(): Promise<void>
}

/**
 * Creates a relay. Only `apps/server` (or a test) listens: pass `app.fetch` and `websocket` to
 * `@hono/node-server`'s `serve`.
 *
 * @example
 * ```ts
 * const relay = createRelay({ store: new SqliteRelayStore({ file: 'relay.sqlite' }), logger: pino(),
 *   sessionSecret, salesforce: { loginUrl, clientId, clientSecret, redirectUri: `${url}/auth/callback` } })
 * serve({ fetch: relay.app.fetch, port: 4000, websocket: relay.websocket })
 * ```
 */
export function createRelay(options: RelayOptions): Relay {
  const engine = options.engine ?? yjsEngine
  if (engine.name !== 'yjs')
    throw new Error('The relay syncs Yjs documents: pass yjsEngine (the default).')
  const now = options.now ?? Date.now
  const { logger, store } = options
  const metrics = new RelayMetrics(options.metrics)
  const secrets = createSecrets(options.sessionSecret)
  const sessions = createSessions({
    store,
    secrets,
    ttlMs: options.sessionTtlMs ?? 30 * 86_400_000,
    now,
  })
  const salesforce = new SalesforceSessions({
    salesforce: options.salesforce,
    store,
    secrets,
    logger,
  })
  const captured = capturedFields(options.capture)
  const readOnly = options.readOnlyFields ?? {}
  const views = new ObjectViews({
    sessions: salesforce,
    now,
    ...(options.cacheTtlMs?.describe === undefined ? {} : { ttlMs: options.cacheTtlMs.describe }),
    readOnlyFields: (sobject) =>
      new Set([DRAFT_KEY_FIELD, ...(readOnly[sobject] ?? []), ...(captured[sobject] ?? [])]),
  })
  const access = new RecordAccess({
    sessions: salesforce,
    now,
    ...(options.cacheTtlMs?.access === undefined ? {} : { ttlMs: options.cacheTtlMs.access }),
  })
  const rights = new RecordRights({
    sessions: salesforce,
    now,
    ...(options.cacheTtlMs?.access === undefined ? {} : { ttlMs: options.cacheTtlMs.access }),
    ...(options.cacheTtlMs?.heldAccess === undefined
      ? {}
      : { heldTtlMs: options.cacheTtlMs.heldAccess }),
  })
  // Other relays write to the same store (a shared bus, or shared leases: PostgreSQL).
  const shared = (options.bus?.shared ?? false) || (options.leases?.shared ?? false)
  const hub = new DocHub({
    store,
    engine,
    logger: logger.child({ module: 'docs' }),
    now,
    ...(options.maxHotDocs === undefined ? {} : { maxHotDocs: options.maxHotDocs }),
    ...(options.maxHotBytes === undefined ? {} : { maxHotBytes: options.maxHotBytes }),
    ...(options.compactAfter === undefined ? {} : { compactAfter: options.compactAfter }),
    shared,
    onTransaction: (info) => {
      metrics.commits.inc({ durability: info.durability })
      metrics.committedUpdates.inc(info.updates)
      metrics.commitSeconds.observe({ durability: info.durability }, info.ms / 1000)
    },
  })
  metrics.watchHotDocuments(() => hub.hotCount)
  const layouts: ObjectLayouts = new ObjectLayouts(hub, {
    shared,
    onChange: (sobject, layout) => {
      // Devices on a retired document move now, not at their next sync; on every relay: the
      // others read the layout from the store when told (or at their next access or catch-up).
      const current = new Set(layout.partitions.map((p) => p.id))
      live.closeRetired(sobject, (group) => current.has(group))
      hub.dropIdle((hot) => hot.group.sobject === sobject && !current.has(hot.key.group))
      bridge?.publishLayout(sobject, [...current])
      logger.info({ sobject, partitions: [...current] }, 'layout changed: retired documents closed')
      retired
        .sweep(sobject)
        .catch((error: unknown) =>
          logger.error({ err: error, sobject }, 'forwarding retired documents failed'),
        )
    },
  })
  const retired = new RetiredDocs({
    hub,
    layouts,
    logger: logger.child({ module: 'layout' }),
    ...(options.leases?.shared ? { locks: new CreationLocks(options.leases, 'forward') } : {}),
  })
  const fill = new FillStreams({
    sessions: salesforce,
    access,
    now,
    logger: logger.child({ module: 'cache' }),
  })
  const resolver = new DocResolver({
    hub,
    views,
    access,
    records: fill,
    layouts,
    retired,
    logger,
    ...(options.leases?.shared ? { creation: new CreationLocks(options.leases) } : {}),
  })
  const live = new LiveSync({
    hub,
    retired,
    logger: logger.child({ module: 'live' }),
    metrics,
    rights,
    access,
    ...(options.liveAccessRecheckMs === undefined
      ? {}
      : { accessRecheckMs: options.liveAccessRecheckMs }),
    now,
    // The projection is created below; by the time a device leaves, it exists.
    onEditorsLeft: (key) => projection?.projector.left(key),
    // The bridge is created below; awareness comes only once connections exist.
    onAwareness: (key, update) => bridge?.publishAwareness(key, update),
    ...(options.livePingIntervalMs === undefined
      ? {}
      : { pingIntervalMs: options.livePingIntervalMs }),
  })
  // A record Salesforce no longer shows (deleted, or a write refused for access) loses its cached
  // "may read" answers at once, rather than after their minute.
  // Registered after live sync, whose broadcast comes first; a device's live edit cannot change
  // any of these (the guard refuses it; its delete reaches Salesforce through the projector, whose
  // acknowledgement then comes here), so commits of live edits only are skipped.
  hub.onCommit(({ hot, updates }) => {
    if (updates.every((u) => isLiveOrigin(u.origin))) return
    const id = hot.doc.salesforceId()
    const status = hot.doc.status()
    if (id && (hot.doc.isDeleted() || (status?.state === 'error' && isNoAccessCode(status.code)))) {
      access.forget(id)
      rights.forget(id)
    }
  })
  // Without a bus (no Redis), the bridge still catches live documents up from the store.
  const bridge: BusBridge | undefined = shared
    ? new BusBridge({
        bus: options.bus ?? new LocalRelayBus(),
        hub,
        live,
        layouts,
        logger: logger.child({ module: 'bus' }),
        ...(options.busCatchUpMs === undefined ? {} : { catchUpMs: options.busCatchUpMs }),
      })
    : undefined
  const cache = new CachePlanner({
    sessions: salesforce,
    views,
    access,
    fill,
    store,
    logger,
    now,
    filters: options.briefcaseFilters ?? DEFAULT_BRIEFCASE_FILTERS,
  })
  const services: RelayServices = {
    logger,
    now,
    store,
    hub,
    secrets,
    sessions,
    salesforce,
    views,
    access,
    rights,
    resolver,
    layouts,
    retired,
    metrics,
    live,
    cache,
    returnOrigins: new Set((options.returnOrigins ?? []).map((o) => new URL(o).origin)),
    metricsToken: options.metricsToken,
  }
  const wss = options.websocketServer ?? createLiveSocketServer()
  const relaySalesforce: RelaySalesforce = {
    connectionFor: (userId) => salesforce.connectionFor(userId),
    describeFor: (userId, sobject) => views.viewFor(userId, sobject),
    forgetAccess: (id, userId) => {
      access.forget(id, userId)
      rights.forget(id, userId)
      // Salesforce answered 403/404 for this user: their open connections to it are re-checked.
      live.recheckAccess(new Set([id]), userId).catch((error: unknown) => {
        logger.warn({ err: error }, 'access re-check failed')
      })
    },
  }
  const projection =
    options.projection === false
      ? undefined
      : wireProjection({
          config: options.projection ?? {},
          capture: options.capture,
          store,
          hub,
          salesforce: relaySalesforce,
          logger,
          metrics,
          now,
          apiVersion: salesforce.apiVersion,
          isCurrent: (sobject, group) => layouts.isCurrent(sobject, group),
          mainGroup: (sobject) => layouts.mainGroup(sobject),
          salesforceOptions: options.salesforce,
          // Before a pull merges anything, users who lost a record are disconnected from it.
          beforePull: (ids: readonly string[]): Promise<void> => live.recheckAccess(new Set(ids)),
          ...(options.leases ? { leases: options.leases } : {}),
        })
  if (projection) metrics.watchSalesforceApi(() => projection.budget.usage())
  let housekeeping: ReturnType<typeof setInterval> | undefined
  // prom-client (~100 ms of loading) is loaded a moment after the relay exists, off the path of
  // its first requests, or at the first scrape; what is counted before is applied then.
  const metricsLoad = setTimeout(() => {
    metrics
      .registry()
      .catch((error: unknown) => logger.error({ err: error }, 'loading prom-client failed'))
  }, METRICS_LOAD_DELAY_MS)
  metricsLoad.unref()

  return {
    app: createApp(services, options.assets),
    websocket: { server: wss as unknown as WebSocketServerLike },
    hub,
    metrics,
    salesforce: relaySalesforce,
    projection,
    start() {
      if (housekeeping) return
      housekeeping = setInterval(() => {
        const at = now()
        store
          .purgeExpired(at, at - 86_400_000)
          .catch((error: unknown) => logger.warn({ err: error }, 'purge failed'))
      }, 600_000)
      housekeeping.unref()
      // Edits left in retired documents (an upgrade from ADR 0002's layout, a crash between a
      // device's write and its forwarding) go to the current documents.
      retired
        .sweep()
        .catch((error: unknown) =>
          logger.error({ err: error }, 'forwarding retired documents failed'),
        )
      projection?.start()
    },
    async close() {
      clearTimeout(metricsLoad)
      if (housekeeping) clearInterval(housekeeping)
      housekeeping = undefined
      await projection?.stop()
      bridge?.close()
      live.close()
      for (const client of wss.clients) client.terminate()
      await hub.close()
    },
  }
}
