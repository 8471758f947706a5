import type { Context } from 'hono'
import type { RelayEnv } from '../app/env.js'
import { errorResponse } from '../app/errors-handler.js'
import type { RelayError } from '../errors.js'

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/**
 * A refused sign-in callback: a page saying what happened for a browser (it navigated here from
 * the org's login), the JSON error shape for anything else. Either way, no session.
 */
export function refuseSignIn(c: Context<RelayEnv>, error: RelayError): Response {
  if (!(c.req.header('accept') ?? '').includes('text/html')) return errorResponse(c, error)
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in refused</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Sign-in refused</h1><p>${escapeHtml(error.message)}</p>
<p>Nobody was signed in. If you meant to sign in, go back to Briefcase and choose
<strong>Sign in with Salesforce</strong> again in this browser.</p>
<p><small>${escapeHtml(error.code)}</small></p></main></body></html>`
  return c.html(page, error.status)
}
