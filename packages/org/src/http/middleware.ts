import type { MiddlewareHandler } from 'hono'
import { callerFor, type OrgState } from '../state.js'
import { internalCall, type OrgBindings, type OrgContext, type OrgEnv } from './env.js'
import { errorAnswer, sfErrors } from './respond.js'
import { parseVersion } from './versions.js'
import { restChangeOrigin } from '../streaming/change-capture.js'

const DATA_API = /^\/services\/data\/(v[^/]+)(?:\/|$)/
const LIMIT_EXCEEDED = {
  message: 'TotalRequests Limit exceeded.',
  errorCode: 'REQUEST_LIMIT_EXCEEDED',
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Dispatches a request through the whole org app (used for `_HttpMethod` overrides). */
export type Dispatch = (
  request: Request,
  env: OrgBindings | undefined,
) => Response | Promise<Response>

/** The answer a fault replaces a call with, or undefined when the call goes through. */
function faultAnswer(
  state: OrgState,
  c: OrgContext,
  method: string,
  target: string,
): Promise<Response | undefined> | Response | undefined {
  const data = DATA_API.test(c.req.path)
  const decision = state.faults.decide(method, target, data)
  const latency = data ? state.faults.settings().latencyMs : 0
  const answer = (): Response | undefined => {
    switch (decision.kind) {
      case 'none':
        return undefined
      case 'fail':
        return sfErrors(decision.rule.status, [
          { message: decision.rule.message, errorCode: decision.rule.errorCode },
        ])
      case 'limit':
        return sfErrors(403, [LIMIT_EXCEEDED], {
          'Sforce-Limit-Info': state.limits.header(state.clock.now()),
        })
      case 'serverError':
        return errorAnswer(
          500,
          'UNKNOWN_EXCEPTION',
          'An unexpected error occurred. Please include this ErrorId if you contact support: 1874950284-12345 (-1374582912)',
        )
      case 'lockRow':
        return errorAnswer(
          400,
          'UNABLE_TO_LOCK_ROW',
          'unable to obtain exclusive access to this record or 1 records',
        )
      case 'drop': {
        // Under @hono/node-server the socket is destroyed; without one, an empty 502 stands in.
        const env = c.env as OrgBindings | undefined
        env?.incoming?.socket.destroy()
        return new Response(null, { status: 502 })
      }
    }
  }
  return latency > 0 ? sleep(latency).then(answer) : answer()
}

/**
 * The Salesforce surface's outer layer: `_HttpMethod` overrides, fault injection and the call
 * log. Composite sub-requests (internal calls) pass straight through.
 */
export function surfaceMiddleware(state: OrgState, dispatch: Dispatch): MiddlewareHandler<OrgEnv> {
  return async (c, next) => {
    if (internalCall(c)) return next()
    const url = new URL(c.req.url)
    const override = url.searchParams.get('_HttpMethod')
    if (c.req.method === 'POST' && override) {
      url.searchParams.delete('_HttpMethod')
      const body = await c.req.arrayBuffer()
      const headers = new Headers(c.req.raw.headers)
      return dispatch(
        new Request(url, {
          method: override.toUpperCase(),
          headers,
          body: body.byteLength > 0 ? body : null,
        }),
        c.env,
      )
    }
    const at = state.clock.now()
    const target = `${url.pathname}${url.search}`
    const fault = await faultAnswer(state, c, c.req.method, target)
    if (fault) {
      c.res = fault
    } else {
      await next()
    }
    const caller = c.get('caller') as OrgEnv['Variables']['caller'] | undefined
    state.calls.push({
      method: c.req.method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      user: caller?.username ?? null,
      userId: caller?.userId ?? null,
      at: new Date(at).toISOString(),
      status: c.res.status,
      counted: c.get('counted') === true,
    })
    if (state.calls.length > 50_000) state.calls.splice(0, state.calls.length - 50_000)
    return undefined
  }
}

/** Extracts the bearer token of a request (`Bearer x` or Salesforce's older `OAuth x`). */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header ? /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header) : null
  return m?.[1]
}

/**
 * The data API's layer: version check, bearer authentication (401 INVALID_SESSION_ID), the
 * daily limit (403 REQUEST_LIMIT_EXCEEDED) and the Sforce-Limit-Info header, and the org lock
 * (so a Composite request never interleaves with another request).
 */
export function dataApiMiddleware(state: OrgState): MiddlewareHandler<OrgEnv> {
  return async (c, next) => {
    const m = DATA_API.exec(c.req.path)
    const version = m?.[1] ? parseVersion(m[1]) : undefined
    if (!version) return errorAnswer(404, 'NOT_FOUND', 'The requested resource does not exist')
    c.set('version', version)
    const internal = internalCall(c)
    if (internal) {
      c.set('caller', internal.caller)
      c.set('session', internal.session)
      await next()
      return undefined
    }
    const now = state.clock.now()
    const token = bearerToken(c.req.header('authorization'))
    const check = token ? state.sessions.check(token, now) : undefined
    const caller = check?.ok ? callerFor(state, check.session.userId) : undefined
    if (!check?.ok || !caller) {
      return sfErrors(401, [
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ])
    }
    c.set('caller', caller)
    c.set('session', check.session)
    if (!state.limits.consume(now)) {
      return sfErrors(403, [LIMIT_EXCEEDED], { 'Sforce-Limit-Info': state.limits.header(now) })
    }
    c.set('counted', true)
    const origin = restChangeOrigin(version, c.req.header('sforce-call-options'))
    await state.lock.run(() => state.streaming.capture.withOrigin(origin, next))
    c.res.headers.set('Sforce-Limit-Info', state.limits.header(state.clock.now()))
    return undefined
  }
}
