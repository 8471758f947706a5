import { Hono } from 'hono'
import { adminRoutes } from './admin.js'
import { createClock } from './clock.js'
import { ApiError, OrgError } from './errors.js'
import { createFaultInjector } from './faults.js'
import type { OrgBindings, OrgEnv } from './http/env.js'
import { dataApiMiddleware, surfaceMiddleware } from './http/middleware.js'
import { apiErrorResponse, errorAnswer } from './http/respond.js'
import { createApiLimits } from './limits.js'
import { silentLogger } from './logger.js'
import { createMutex } from './mutex.js'
import { createConnectedApps } from './oauth/connected-apps.js'
import { SessionStore } from './oauth/sessions.js'
import { loadFromFile, loadIfPresent, saveToFile } from './persist.js'
import { collectionRoutes } from './routes/collections.js'
import { compositeRoutes } from './routes/composite.js'
import { dashboardRoutes } from './routes/dashboards.js'
import { externalIdRoutes } from './routes/external-id.js'
import { listViewRoutes } from './routes/list-views.js'
import { fallbackRoutes } from './routes/method-not-allowed.js'
import { oauthRoutes } from './routes/oauth.js'
import { queryRoutes } from './routes/query.js'
import { quickActionRoutes } from './routes/quick-actions.js'
import { recentRoutes } from './routes/recent.js'
import { replicationRoutes } from './routes/replication.js'
import { soapLoginRoutes } from './routes/soap-login.js'
import { sobjectRoutes } from './routes/sobjects.js'
import { resourceRoutes, versionListRoutes } from './routes/versions.js'
import { createSchema } from './schema/registry.js'
import { seedOrg, type SeedSummary } from './seed/seed.js'
import { ORG_ID, SEEDED_USERS } from './seed/users.js'
import { createCursorStore } from './soql/cursors.js'
import { snapshotOf } from './store/snapshot.js'
import { RecordStore } from './store/store.js'
import { cometdRoutes } from './streaming/cometd-routes.js'
import { createOrgStreaming } from './streaming/org-streaming.js'
import { callerFor, userIdByUsername, type OrgState } from './state.js'
import type { Org, OrgOptions } from './types.js'
import { parseDateTime } from './datetime.js'

const DEFAULT_SEED = 42
const TWO_HOURS = 2 * 60 * 60_000
const SIX_MB = 6 * 1024 * 1024
const SAVE_DELAY_MS = 250

function check(options: OrgOptions): void {
  const positive = (name: string, v: number | undefined): void => {
    if (v !== undefined && (!Number.isFinite(v) || v <= 0)) {
      throw new OrgError(
        'BRIEFCASE_ORG_INVALID_OPTIONS',
        `${name} must be a positive number (got ${v})`,
      )
    }
  }
  positive('apiLimit', options.apiLimit)
  positive('tokenTtlMs', options.tokenTtlMs)
  positive('maxBodyBytes', options.maxBodyBytes)
  if (options.seed !== undefined && options.seed !== false && !Number.isInteger(options.seed)) {
    throw new OrgError(
      'BRIEFCASE_ORG_INVALID_OPTIONS',
      `seed must be an integer or false (got ${String(options.seed)})`,
    )
  }
}

/**
 * Creates a local Salesforce org: the REST API subset Briefcase uses (OAuth, sObjects,
 * Collections, Composite, SOQL, getUpdated/getDeleted, recent items, dashboards, list views,
 * quick actions), with Salesforce's error shapes, sharing, field-level security, a validation
 * rule, a workflow field update, API limits and fault injection. Two orgs never share state.
 *
 * @param options - see {@link OrgOptions}; everything is optional.
 * @returns the {@link Org}: its Hono `app` and the in-process admin API.
 *
 * @example
 * ```ts
 * import { serve } from '@hono/node-server'
 * import { createOrg } from '@briefcase/org'
 *
 * const org = createOrg({ seed: 42 })
 * serve({ fetch: org.app.fetch, port: 4010 })
 * // POST http://localhost:4010/services/oauth2/token (grant_type=password, client_id=briefcase-relay, ...)
 * ```
 */
export function createOrg(options: OrgOptions = {}): Org {
  check(options)
  const seed = options.seed === undefined ? DEFAULT_SEED : options.seed
  const clock = createClock(options.now)
  const logger = options.logger ?? silentLogger
  let saveTimer: ReturnType<typeof setTimeout> | undefined
  let saving: Promise<void> = Promise.resolve()
  let loading = false
  const dataFile = options.dataFile

  const flush = (): Promise<void> => {
    if (saveTimer) clearTimeout(saveTimer)
    saveTimer = undefined
    if (!dataFile) return saving
    saving = saving
      .then(() => saveToFile(state, dataFile))
      .catch((error: unknown) => logger.error('briefcase org: could not save the data file', error))
    return saving
  }

  const schema = createSchema()
  const streaming = createOrgStreaming(schema, clock, options.streaming)
  const state: OrgState = {
    orgId: ORG_ID,
    schema,
    streaming,
    store: new RecordStore(),
    clock,
    logger,
    sessions: new SessionStore(ORG_ID.slice(0, 15), options.tokenTtlMs ?? TWO_HOURS),
    connectedApps: createConnectedApps([
      {
        clientId: 'briefcase-relay',
        clientSecret: 'briefcase-relay-secret',
        redirectUris: options.redirectUris ?? [],
      },
      ...(options.connectedApps ?? []),
    ]),
    limits: createApiLimits(options.apiLimit ?? 100_000),
    faults: createFaultInjector(options.faults),
    calls: [],
    cursors: createCursorStore(),
    lock: createMutex(),
    passwords: new Map(),
    fls: new Map(),
    maxBodyBytes: options.maxBodyBytes ?? SIX_MB,
    changed: () => {
      // Saves at most SAVE_DELAY_MS after the first unsaved change, however busy the org is.
      if (!dataFile || loading || saveTimer) return
      saveTimer = setTimeout(() => void flush(), SAVE_DELAY_MS)
      saveTimer.unref?.()
    },
  }

  const app = new Hono<OrgEnv>()
  const dispatch = (request: Request, env: OrgBindings | undefined): Response | Promise<Response> =>
    app.fetch(request, env)
  app.onError((error, c) => {
    if (error instanceof ApiError) return apiErrorResponse(error)
    logger.error(`briefcase org: unexpected error on ${c.req.method} ${c.req.path}`, error)
    return errorAnswer(
      500,
      'UNKNOWN_EXCEPTION',
      'An unexpected error occurred. Please include this ErrorId if you contact support: 0-0 (0)',
    )
  })

  const accountsOption = (n?: number): { accounts?: number } => {
    const accounts = n ?? options.accounts
    return accounts === undefined ? {} : { accounts }
  }
  const fileOf = (file?: string): string => {
    const target = file ?? dataFile
    if (!target) {
      throw new OrgError('BRIEFCASE_ORG_NO_DATA_FILE', 'No file given and no dataFile configured')
    }
    return target
  }

  // A reseed is no change to capture; events from before it name records that are gone.
  const reseed = (s: number | false, o: { accounts?: number }): SeedSummary => {
    const summary = streaming.capture.quietly(() => seedOrg(state, s, o))
    streaming.capture.bus.clear()
    return summary
  }

  const org: Org = {
    app,
    orgId: ORG_ID,
    users: SEEDED_USERS,
    reset: () => {
      state.calls.length = 0
      state.faults.clear()
      state.limits.reset()
      clock.reset()
      return reseed(seed, accountsOption())
    },
    seed: (o = {}) => reseed(o.seed === undefined ? seed : o.seed, accountsOption(o.accounts)),
    snapshot: () => snapshotOf(state.schema, state.store),
    calls: () => state.calls.map((c) => ({ ...c })),
    clearCalls: () => {
      state.calls.length = 0
    },
    faults: () => state.faults.settings(),
    setFaults: (f) => {
      state.faults.set(f)
      return state.faults.settings()
    },
    registerConnectedApp: (a) => state.connectedApps.register(a),
    save: async (file) => {
      const target = fileOf(file)
      return target === dataFile ? flush() : saveToFile(state, target)
    },
    load: async (file) => {
      const target = fileOf(file)
      loading = true
      try {
        await loadFromFile(state, target)
        streaming.capture.bus.clear()
      } finally {
        loading = false
      }
    },
    now: () => clock.now(),
    advanceClock: (ms) => {
      clock.advance(ms)
      return clock.now()
    },
    setClock: (at) => {
      const ms = typeof at === 'number' ? at : parseDateTime(at)
      if (ms === undefined || !Number.isFinite(ms)) {
        throw new OrgError('BRIEFCASE_ORG_INVALID_OPTIONS', `Not a date-time: ${String(at)}`)
      }
      clock.set(ms)
      return clock.now()
    },
    setFieldAccess: (profile, object, field, access) => {
      state.fls.set(`${profile}|${object}|${field}`, access)
    },
    resetClock: () => {
      clock.reset()
      return clock.now()
    },
    issueToken: (username) => {
      const id = userIdByUsername(state, username)
      if (id === undefined || !callerFor(state, id)) {
        throw new OrgError('BRIEFCASE_ORG_UNKNOWN_USER', `No active user ${username}`)
      }
      return state.sessions.issueAccess(id, clock.now()).token
    },
    changeDataCapture: () => streaming.capture.settings(),
    setChangeDataCapture: (settings) => streaming.capture.select(settings.entities),
    dropStreamingClients: () => streaming.clients.clear(),
    close: async () => {
      streaming.clients.clear()
      if (saveTimer) await flush()
      await saving
    },
  }

  app.route('/', adminRoutes(org))
  app.use('/services/*', surfaceMiddleware(state, dispatch))
  app.use('/id/*', surfaceMiddleware(state, dispatch))
  app.route('/', versionListRoutes())
  app.route('/', oauthRoutes(state))
  app.route('/', soapLoginRoutes(state))
  app.use('/services/data/:version/*', dataApiMiddleware(state))
  app.use('/services/data/:version', dataApiMiddleware(state))
  for (const routes of [
    resourceRoutes(state),
    queryRoutes(state),
    compositeRoutes(state, dispatch),
    collectionRoutes(state),
    recentRoutes(state),
    dashboardRoutes(state),
    replicationRoutes(state),
    listViewRoutes(state),
    quickActionRoutes(state),
    externalIdRoutes(state),
    sobjectRoutes(state),
  ]) {
    app.route('/', routes)
  }
  app.route('/', cometdRoutes(state))
  app.route('/', fallbackRoutes())

  loading = true
  try {
    if (!dataFile || !loadIfPresent(state, dataFile)) {
      seedOrg(state, seed, accountsOption())
    }
  } finally {
    loading = false
  }
  if (dataFile) void flush()
  streaming.capture.attach(state.store)

  return org
}
