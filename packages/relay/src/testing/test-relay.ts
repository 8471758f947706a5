import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import type { ServerType, WebSocketServerLike } from '@hono/node-server'
import { pino } from 'pino'
import type { Relay, RelayOptions } from '../relay.js'
import { createLiveSocketServer, createRelay } from '../relay.js'
import { SqliteRelayStore } from '../store/sqlite-relay-store.js'
import type { RelayProjectionConfig } from '../wire-projection.js'

/** What the test relay needs of an embedded org (`@briefcase/org`'s `Org` fits). */
export interface EmbeddedOrg {
  readonly app: { fetch(request: Request, env?: object): Response | Promise<Response> }
  registerConnectedApp(app: {
    clientId: string
    clientSecret: string
    redirectUris: string[]
  }): void
}

/** Options of {@link startTestRelay}. */
export interface TestRelayOptions {
  /** An org served on the same port, as `npm start` does (its `/services`, `/id`, `/__org`). */
  org?: EmbeddedOrg
  /** Or the login URL of an org served elsewhere (its connected app must accept the callback). */
  loginUrl?: string
  /** Connected app (default the embedded org's `briefcase-relay`). */
  clientId?: string
  clientSecret?: string
  /** Log level of the relay's pino logger (default `silent`). */
  logLevel?: string
  /** SQLite file (default in memory). */
  file?: string
  /**
   * The relay's projector and puller: off by default here (tests that drive one build it
   * themselves); `true` for the relay's own, or its configuration.
   */
  projection?: boolean | RelayProjectionConfig
  /** More relay options (store, logger, clock, …). */
  relay?: Partial<Omit<RelayOptions, 'salesforce' | 'websocketServer' | 'projection'>>
}

/** A relay listening on 127.0.0.1 and a free port. */
export interface TestRelay {
  readonly url: string
  readonly relay: Relay
  readonly store: RelayOptions['store']
  readonly server: ServerType
  close(): Promise<void>
}

const ORG_PREFIXES = ['/services/', '/id/', '/__org', '/cometd/']

/**
 * Starts a relay on a free port for tests and benchmarks, with an embedded org on the same port
 * when given one (its connected app learns the relay's callback). Not for production: apps/server
 * is the runnable.
 *
 * @example
 * ```ts
 * const org = createOrg({ accounts: 20 })
 * const { url, close } = await startTestRelay({ org })
 * const token = await signInDevice({ relayUrl: url, username: 'rep1@briefcase.test', password: 'rep1-password', device: 'd1' })
 * ```
 */
export async function startTestRelay(options: TestRelayOptions = {}): Promise<TestRelay> {
  for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
    delete process.env[name]
  const wss = createLiveSocketServer()
  const holder: { relay?: Relay } = {}
  const org = options.org
  const server = createAdaptorServer({
    fetch: (request: Request, env: unknown) => {
      const path = new URL(request.url).pathname
      if (org && ORG_PREFIXES.some((p) => path.startsWith(p)))
        return org.app.fetch(request, env as object)
      if (!holder.relay) return new Response('starting', { status: 503 })
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientId = options.clientId ?? 'briefcase-relay'
  const clientSecret = options.clientSecret ?? 'briefcase-relay-secret'
  const redirectUri = `${url}/auth/callback`
  org?.registerConnectedApp({ clientId, clientSecret, redirectUris: [redirectUri] })
  const store = options.relay?.store ?? new SqliteRelayStore({ file: options.file ?? ':memory:' })
  const started = createRelay({
    logger: pino({ level: options.logLevel ?? 'silent' }),
    sessionSecret: 'test-session-secret-0123456789',
    ...options.relay,
    store,
    websocketServer: wss,
    projection:
      options.projection === undefined || options.projection === false
        ? false
        : options.projection === true
          ? {}
          : options.projection,
    salesforce: { loginUrl: options.loginUrl ?? url, clientId, clientSecret, redirectUri },
  })
  holder.relay = started
  started.start()
  return {
    url,
    relay: started,
    store,
    server,
    async close() {
      await started.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
      await store.close()
    },
  }
}
