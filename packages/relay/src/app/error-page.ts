import type { Context } from 'hono'
import type { RelayError } from '../errors.js'
import type { RelayEnv } from './env.js'

/**
 * True when a person's browser navigated here (a sign-in redirect, a typed URL) rather than a
 * script calling the API: the answer is then a page, not JSON.
 */
export function isNavigation(c: Context<RelayEnv>): boolean {
  if (c.req.header('sec-fetch-mode') === 'navigate') return true
  return /^\s*text\/html/i.test(c.req.header('accept') ?? '')
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch)
}

/** The page a navigation that failed ends on: what happened, its code, and a way back. */
export function errorPage(c: Context<RelayEnv>, error: RelayError): Response {
  const back = c.req.query('return')
  const backUrl = back !== undefined && /^https?:\/\//i.test(back) ? back : undefined
  const page = `<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Briefcase: ${escape(error.message)}</title>
        <style>
          body {
            font-family: system-ui, sans-serif;
            max-width: 40rem;
            margin: 3rem auto;
            padding: 0 1rem;
            color: #181818;
          }
          code {
            background: #f3f3f3;
            padding: 0.1rem 0.3rem;
          }
        </style>
      </head>
      <body>
        <h1>Briefcase could not go on</h1>
        <p role="alert">${escape(error.message)}</p>
        <p>Error code: <code>${escape(error.code)}</code></p>
        ${backUrl ? `<p><a href="${escape(backUrl)}">Back to the page</a></p>` : ''}
      </body>
    </html>`
  return c.html(page, error.status)
}
