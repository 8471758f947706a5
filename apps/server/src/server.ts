import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Org, OrgLogger } from '@briefcase/org'
import type { Relay, RelayBus, RelayStore } from '@briefcase/relay'
import {
  PostgresLeases,
  PostgresRelayStore,
  SqliteRelayStore,
  createLiveSocketServer,
  createRelay,
} from '@briefcase/relay'
import { createAdaptorServer } from '@hono/node-server'
import type { ServerType, WebSocketServerLike } from '@hono/node-server'
import type { Logger } from 'pino'
import type { ServerConfig } from './config.js'

/**
 * Encoded bytes of the documents the relay keeps in memory while nobody uses them: 4 MiB. A
 * record document in memory takes about eight times its encoded size (a heap snapshot during a
 * 50,000-record reconnect: 5,000 unused documents, the relay package's count bound, held 200 MB
 * of Yjs items for about 25 MB encoded, under its 32 MiB default), so this keeps roughly 35 MB
 * of them, some 800 Accounts of 50 fields. Documents in use (live sync, a bulk step, the
 * projector) are never evicted.
 */
const MAX_HOT_BYTES = 4 * 1024 * 1024
/** The embedded org's connected app (seeded by the org). */
const CONNECTED_APP = { clientId: 'briefcase-relay', clientSecret: 'briefcase-relay-secret' }
const ORG_PREFIXES = ['/services/', '/id/', '/__org', '/cometd/']

/** A running server. */
export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly relay: Relay
  /** The embedded org, when no real org is configured. */
  readonly org: Org | undefined
  close(): Promise<void>
}

function sessionSecret(config: ServerConfig): string {
  if (config.sessionSecret) return config.sessionSecret
  const file = join(config.dataDir, 'session-secret')
  try {
    return readFileSync(file, 'utf8').trim()
  } catch {
    const secret = randomBytes(32).toString('base64url')
    writeFileSync(file, `${secret}\n`, { mode: 0o600 })
    return secret
  }
}

function orgLogger(logger: Logger): OrgLogger {
  const log = logger.child({ module: 'org' })
  return {
    debug: (m, ...d) => log.debug({ details: d }, m),
    info: (m, ...d) => log.info({ details: d }, m),
    warn: (m, ...d) => log.warn({ details: d }, m),
    error: (m, ...d) => log.error({ details: d }, m),
  }
}

/** Opens the configured store: PostgreSQL (checked and migrated) or the data directory's SQLite. */
async function openStore(config: ServerConfig, logger: Logger): Promise<RelayStore> {
  const log = logger.child({ module: 'store' })
  if (config.store.kind === 'sqlite') {
    return new SqliteRelayStore({
      file: join(config.dataDir, 'relay.sqlite'),
      onIgnoredError: (error) => log.warn({ err: error }, 'SQLite background sync failed'),
    })
  }
  return PostgresRelayStore.open({
    url: config.store.url,
    schema: config.store.schema,
    onIgnoredError: (error) => log.warn({ err: error }, 'PostgreSQL connection lost'),
  })
}

/**
 * Starts relay + store (SQLite, or PostgreSQL with `--store`) + (without a real org) the embedded
 * org + the demo page on one port. The store is opened first: a PostgreSQL that does not answer
 * rejects with a `StoreError` coded `BRIEFCASE_STORE_UNREACHABLE` before anything listens. The
 * HTTP server listens next, so that with `--port 0` the relay's OAuth callback carries the real
 * port; requests before the relay exists get 503.
 */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  mkdirSync(config.dataDir, { recursive: true })
  const store = await openStore(config, logger)
  // Redis next: unreachable, the server does not start (BRIEFCASE_REDIS_UNREACHABLE). ioredis is
  // loaded only when Redis is configured.
  const redis = config.redis
  const bus: RelayBus | undefined = redis
    ? await import('@briefcase/relay/redis')
        .then(({ connectRedisBus }) =>
          connectRedisBus({ ...redis, logger: logger.child({ module: 'bus' }) }),
        )
        .catch(async (error: unknown) => {
          await store.close()
          throw error
        })
    : undefined
  // The org emulator is loaded only when it is embedded (no real org configured).
  const org =
    config.org.kind === 'embedded'
      ? (await import('@briefcase/org')).createOrg({
          dataFile: join(config.dataDir, 'org.json'),
          logger: orgLogger(logger),
        })
      : undefined
  const wss = createLiveSocketServer()
  const holder: { relay?: Relay } = {}
  const server: ServerType = createAdaptorServer({
    fetch: (request: Request, env: unknown) => {
      const path = new URL(request.url).pathname
      if (org && ORG_PREFIXES.some((p) => path.startsWith(p)))
        return org.app.fetch(request, env as object)
      if (!holder.relay) return new Response('Starting', { status: 503 })
      return holder.relay.app.fetch(request, env)
    },
    websocket: { server: wss as unknown as WebSocketServerLike },
  })
  // Idle keep-alive connections stay open longer than a client's think time (Node's default of
  // 5 s races with clients reusing the connection: ECONNRESET on a POST).
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = 65_000
    server.headersTimeout = 66_000
    // A streamed bulk sync reads its request as it answers, so a large one (a first fill of
    // 50,000 records) is still being received after Node's default 300 s: that limit cut it.
    server.requestTimeout = 0
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  const url = config.publicUrl ?? `http://${host}:${port}`
  const redirectUri = `${url}/auth/callback`
  const salesforce =
    config.org.kind === 'embedded'
      ? { loginUrl: url, ...CONNECTED_APP, redirectUri }
      : {
          loginUrl: config.org.loginUrl,
          clientId: config.org.clientId,
          clientSecret: config.org.clientSecret,
          redirectUri,
        }
  org?.registerConnectedApp({ ...CONNECTED_APP, redirectUris: [redirectUri] })
  // Relays sharing PostgreSQL share the work by leases: one projects a record, one pulls.
  const leases =
    store instanceof PostgresRelayStore
      ? new PostgresLeases({
          database: store.database,
          holder: `relay-${process.pid}-${randomBytes(4).toString('hex')}`,
          logger: logger.child({ module: 'leases' }),
          ...(config.tuning.leaseTtlMs === undefined ? {} : { ttlMs: config.tuning.leaseTtlMs }),
        })
      : undefined
  const relay = createRelay({
    store,
    salesforce,
    sessionSecret: sessionSecret(config),
    logger,
    websocketServer: wss,
    returnOrigins: config.returnOrigins,
    ...(config.metricsToken === undefined ? {} : { metricsToken: config.metricsToken }),
    capture: config.capture,
    assets: config.assets,
    ...(bus ? { bus } : {}),
    ...(config.briefcaseFilters === undefined ? {} : { briefcaseFilters: config.briefcaseFilters }),
    ...(leases ? { leases } : {}),
    maxHotBytes: MAX_HOT_BYTES,
    ...(config.tuning.inFlightSettleMs === undefined
      ? {}
      : { projection: { options: { inFlightSettleMs: config.tuning.inFlightSettleMs } } }),
  })
  holder.relay = relay
  relay.start()
  return {
    url,
    port,
    relay,
    org,
    async close() {
      await relay.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
      await bus?.close()
      await leases?.close()
      await store.close()
      await org?.close()
    },
  }
}
