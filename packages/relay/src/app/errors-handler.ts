import { RelayErrorCode } from '@briefcase/protocol'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { RelayError, toRelayError } from '../errors.js'
import type { RelayEnv } from './env.js'
import { errorPage, isNavigation } from './error-page.js'
import type { RelayServices } from './services.js'
import { answerUpgradeRefusal } from './upgrade-refusal.js'

const BY_STATUS: Readonly<Record<number, RelayErrorCode>> = {
  400: RelayErrorCode.badRequest,
  401: RelayErrorCode.unauthenticated,
  403: RelayErrorCode.forbidden,
  404: RelayErrorCode.notFound,
  413: RelayErrorCode.payloadTooLarge,
}

/** The relay error for anything a handler threw (Hono's HTTPExceptions included). */
export function asRelayError(error: unknown): RelayError {
  if (error instanceof HTTPException) {
    const code = BY_STATUS[error.status] ?? RelayErrorCode.badRequest
    return new RelayError(code, error.message || 'Bad request.', { cause: error })
  }
  return toRelayError(error)
}

/**
 * The error response: `{ error: { code, message, details? } }` with the code's status, or for a
 * browser navigation (a sign-in gone wrong) a page saying the same.
 */
export function errorResponse(
  c: Context<RelayEnv>,
  error: RelayError,
): Response | Promise<Response> {
  // RFC 9110: a 401 names the scheme to authenticate with.
  if (error.status === 401) c.header('WWW-Authenticate', 'Bearer realm="briefcase"')
  if (isNavigation(c)) return errorPage(c, error)
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  }
  return c.json(body, error.status)
}

/**
 * The app's `onError`: logs, counts and answers with the stable JSON error shape (a refused
 * WebSocket upgrade too).
 */
export function onRelayError(
  services: RelayServices,
): (error: unknown, c: Context<RelayEnv>) => Promise<Response> {
  return async (error: unknown, c: Context<RelayEnv>): Promise<Response> => {
    const e = asRelayError(error)
    const log = c.get('log') ?? services.logger
    if (e.code === RelayErrorCode.internal) log.error({ err: error }, 'internal error')
    else log.info({ code: e.code, message: e.message }, 'request refused')
    services.metrics.errors.inc({ code: e.code })
    return answerUpgradeRefusal(c, await errorResponse(c, e))
  }
}
