import { createHash, timingSafeEqual } from 'node:crypto'
import { AUTHORIZATION, RelayErrorCode, TOKEN_PARAM } from '@briefcase/protocol'
import { pinoLogger } from 'hono-pino'
import { requestId } from 'hono/request-id'
import { routePath } from 'hono/route'
import type { MiddlewareHandler } from 'hono'
import { RelayError } from '../errors.js'
import type { RelayEnv } from './env.js'
import type { RelayServices } from './services.js'

/**
 * Request logging, by `hono/request-id` and `hono-pino`: each request gets an id
 * (`x-request-id`, kept when the caller sent a sane one), a child logger `log` bound to it, and
 * when done one log line with pino's standard fields `req` (`method`, `url`: the path only, as a
 * query string may carry a token; no headers, which carry the session), `res` (`status`),
 * `responseTime` (ms) and `reqId`. 5xx answers log at `error`, `/metrics` scrapes at `debug`.
 * Every request is counted by method, route and status.
 */
export function requestLogging(services: RelayServices): MiddlewareHandler<RelayEnv>[] {
  return [
    requestId({ limitLength: 64 }),
    // hono-pino types its handler for an env of its own variable only; ours holds it too.
    pinoLogger<'logger'>({
      pino: services.logger,
      http: {
        onReqBindings: (c) => ({ req: { method: c.req.method, url: c.req.path } }),
        onResBindings: (c) => ({ res: { status: c.res.status } }),
        onResLevel: (c) =>
          c.res.status >= 500 ? 'error' : c.req.path === '/metrics' ? 'debug' : 'info',
        onResMessage: (c) => (c.res.status >= 500 ? 'request failed' : 'request'),
      },
    }) as unknown as MiddlewareHandler<RelayEnv>,
    async (c, next) => {
      c.set('log', services.logger.child({ reqId: c.get('requestId') }))
      await next()
      const route = routePath(c, -1) || 'unmatched'
      services.metrics.httpRequests.inc({
        method: c.req.method,
        route,
        status: String(c.res.status),
      })
    },
  ]
}

/** Adds bindings (the signed-in user and device) to the request's log line and its `log`. */
export function bindRequestLog(
  c: Parameters<MiddlewareHandler<RelayEnv>>[0],
  bindings: Record<string, string>,
): void {
  c.get('logger').assign(bindings)
  c.set('log', c.get('log').child(bindings))
}

/** The bearer token of a request (`Authorization: Bearer …`). */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header)
  return m?.[1]
}

/**
 * Requires a valid relay session: `Authorization: Bearer <token>`, or with `allowQuery` (the
 * WebSocket upgrade, where browsers cannot set headers) `?token=`. Sets `session`.
 */
export function requireSession(
  services: RelayServices,
  options: { allowQuery?: boolean } = {},
): MiddlewareHandler<RelayEnv> {
  return async (c, next) => {
    const token =
      bearerToken(c.req.header(AUTHORIZATION)) ??
      (options.allowQuery ? c.req.query(TOKEN_PARAM) : undefined)
    const session = await services.sessions.verify(token)
    c.set('session', session)
    bindRequestLog(c, { user: session.userId, device: session.device })
    await next()
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/**
 * Guards `/metrics` with a bearer token when one is set (`Authorization: Bearer <token>`,
 * compared in constant time); without one, `/metrics` is open.
 */
export function metricsAccess(token: string | undefined): MiddlewareHandler<RelayEnv> {
  const expected = token === undefined ? undefined : digest(token)
  return async (c, next) => {
    if (expected) {
      const given = bearerToken(c.req.header(AUTHORIZATION))
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        throw new RelayError(RelayErrorCode.unauthenticated, '/metrics needs its bearer token.')
      }
    }
    await next()
  }
}
