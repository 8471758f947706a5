import type { Context } from 'hono'
import type { RelayEnv } from '../app/env.js'
import { errorPage, isNavigation } from '../app/error-page.js'
import { errorResponse } from '../app/errors-handler.js'
import type { RelayError } from '../errors.js'

/**
 * A refused sign-in callback: a page saying what happened for a browser (it navigated here from
 * the org's login), the JSON error shape for anything else. Either way, no session.
 */
export function refuseSignIn(
  c: Context<RelayEnv>,
  error: RelayError,
): Response | Promise<Response> {
  if (!isNavigation(c)) return errorResponse(c, error)
  return errorPage(c, error, {
    title: 'Sign-in refused',
    advice:
      'Nobody was signed in. If you meant to sign in, go back to Briefcase and choose ' +
      '"Sign in with Salesforce" again in this browser.',
  })
}
