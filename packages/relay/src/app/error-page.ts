import type { Context } from 'hono'
import { html } from 'hono/html'
import type { RelayError } from '../errors.js'
import type { RelayEnv } from './env.js'

/**
 * True when a person's browser navigated here (a sign-in redirect, a typed URL) rather than a
 * script calling the API: the answer is then a page, not JSON.
 */
export function isNavigation(c: Context<RelayEnv>): boolean {
  if (c.req.header('sec-fetch-mode') === 'navigate') return true
  return (c.req.header('accept') ?? '').includes('text/html')
}

/** What an error page says besides the error's message and code. */
export interface ErrorPageText {
  /** The heading (default "Briefcase could not go on"). */
  title?: string
  /** A paragraph on what to do next. */
  advice?: string
}

/**
 * The page a failed navigation ends on: what happened, its code, and a link back to the page
 * sign-in started from (the request's `return`, when http(s)). Everything is escaped.
 */
export function errorPage(
  c: Context<RelayEnv>,
  error: RelayError,
  text: ErrorPageText = {},
): Response | Promise<Response> {
  const title = text.title ?? 'Briefcase could not go on'
  const back = c.req.query('return')
  const backUrl = back !== undefined && /^https?:\/\//i.test(back) ? back : undefined
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          body {
            font-family: system-ui, sans-serif;
            max-width: 40rem;
            margin: 3rem auto;
            padding: 0 1rem;
            color: #181818;
          }
        </style>
      </head>
      <body>
        <main>
          <h1>${title}</h1>
          <p role="alert">${error.message}</p>
          ${text.advice ? html`<p>${text.advice}</p>` : ''}
          <p>Error code: <code>${error.code}</code></p>
          ${backUrl ? html`<p><a href="${backUrl}">Back to the page</a></p>` : ''}
        </main>
      </body>
    </html>`
  return c.html(page, error.status)
}
