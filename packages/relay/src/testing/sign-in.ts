import { SESSION_FRAGMENT } from '@briefcase/protocol'

/** Options of {@link signInDevice}. */
export interface SignInDeviceOptions {
  /** The relay's base URL (`http://127.0.0.1:4000`). */
  relayUrl: string
  username: string
  password: string
  /** The device id the session is bound to. */
  device: string
  /** Where the relay returns to (default the relay's `/`). */
  returnTo?: string
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

async function redirect(res: Response, step: string): Promise<string> {
  const location = res.headers.get('location')
  if (res.status < 300 || res.status >= 400 || !location) {
    const body = (await res.text()).slice(0, 300)
    throw new Error(`Sign-in failed at ${step}: HTTP ${res.status} ${body}`)
  }
  return location
}

/** A sign-in stopped before the relay's callback: what a browser would follow next. */
export interface StartedSignIn {
  /** The relay callback the org redirected to (`/auth/callback?code=…&state=…`). */
  callback: URL
  /** The cookies `/auth/login` set in this browser (the sign-in's binding), as a `cookie` header. */
  cookie: string
}

/**
 * Goes through a sign-in as a browser does, with `fetch`, up to the relay's callback: `/auth/login`
 * on the relay, the org's authorize page, its login form posted with the credentials. Returns the
 * callback URL the org redirected to, not followed, and the browser's cookies.
 *
 * @example
 * ```ts
 * const { callback, cookie } = await startSignIn({ relayUrl, username: 'rep1@briefcase.test',
 *   password: 'rep1-password', device: 'phone-1' })
 * ```
 */
export async function startSignIn(options: SignInDeviceOptions): Promise<StartedSignIn> {
  const login = new URL('/auth/login', options.relayUrl)
  login.searchParams.set('device', options.device)
  login.searchParams.set('return', options.returnTo ?? new URL('/', options.relayUrl).toString())
  const started = await fetch(login, { redirect: 'manual' })
  // The browser's cookie jar: the relay binds the sign-in to it (sent back on the callback only).
  const cookie = started.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .join('; ')
  const authorize = new URL(await redirect(started, 'the relay login'), login)
  const page = await fetch(authorize, { redirect: 'manual' })
  const html = await page.text()
  if (!page.ok)
    throw new Error(
      `Sign-in failed at the authorize page: HTTP ${page.status} ${html.slice(0, 300)}`,
    )
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html)
  if (!form) throw new Error('Sign-in failed: the authorize page has no login form.')
  const fields = new URLSearchParams()
  for (const input of (form[2] ?? '').matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1]
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? ''
    if (name) fields.set(unescapeHtml(name), unescapeHtml(value))
  }
  fields.set('username', options.username)
  fields.set('password', options.password)
  const posted = await fetch(new URL(unescapeHtml(form[1] ?? ''), authorize), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  })
  return { callback: new URL(await redirect(posted, 'the login form'), authorize), cookie }
}

/**
 * Signs a simulated device in the way a browser does, with `fetch`: {@link startSignIn}, then the
 * relay's callback with the browser's cookies, and the session token from the return URL's
 * fragment. For tests and scripts; the relay never sees the password.
 *
 * @example
 * ```ts
 * const token = await signInDevice({ relayUrl, username: 'rep1@briefcase.test',
 *   password: 'rep1-password', device: 'phone-1' })
 * ```
 */
export async function signInDevice(options: SignInDeviceOptions): Promise<string> {
  const { callback, cookie } = await startSignIn(options)
  const back = new URL(
    await redirect(
      await fetch(callback, { redirect: 'manual', headers: { cookie } }),
      'the relay callback',
    ),
    callback,
  )
  const params = new URLSearchParams(back.hash.slice(1))
  const token = params.get(SESSION_FRAGMENT)
  if (!token) {
    throw new Error(
      `Sign-in failed: the relay returned ${params.get('briefcase_error') ?? 'no session'}.`,
    )
  }
  return token
}
