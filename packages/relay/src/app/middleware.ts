import { randomUUID } from 'node:crypto'
import { AUTHORIZATION, TOKEN_PARAM } from '@briefcase/protocol'
import { routePath } from 'hono/route'
import type { MiddlewareHandler } from 'hono'
import type { RelayEnv } from './env.js'
import type { RelayServices } from './services.js'

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/

/**
 * Gives each request an id (`x-request-id`, kept when the caller sent a sane one) and a child
 * logger, counts it, and logs it when done (path only: query strings may carry a token).
 */
export function requestLogging(services: RelayServices): MiddlewareHandler<RelayEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id')
    const requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID()
    const log = services.logger.child({ req: requestId })
    c.set('requestId', requestId)
    c.set('log', log)
    const started = performance.now()
    await next()
    c.header('x-request-id', requestId)
    const status = c.res.status
    const route = routePath(c, -1) || 'unmatched'
    services.metrics.httpRequests.inc({ method: c.req.method, route, status: String(status) })
    const ms = Math.round((performance.now() - started) * 10) / 10
    const entry = { method: c.req.method, path: c.req.path, status, ms }
    if (status >= 500) log.error(entry, 'request failed')
    else if (c.req.path === '/metrics') log.debug(entry, 'request')
    else log.info(entry, 'request')
  }
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
    c.set('log', c.get('log').child({ user: session.userId, device: session.device }))
    await next()
  }
}
