import type { Context } from 'hono'
import { html } from 'hono/html'
import type { RelayEnv } from '../app/env.js'
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
  if (!(c.req.header('accept') ?? '').includes('text/html')) return errorResponse(c, error)
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Sign-in refused</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </head>
      <body>
        <main>
          <h1>Sign-in refused</h1>
          <p>${error.message}</p>
          <p>
            Nobody was signed in. If you meant to sign in, go back to Briefcase and choose
            <strong>Sign in with Salesforce</strong> again in this browser.
          </p>
          <p><small>${error.code}</small></p>
        </main>
      </body>
    </html>`
  return c.html(page, error.status)
}
