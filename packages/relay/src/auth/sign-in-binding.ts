import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { RelaySecrets } from './secrets.js'

/** Path the binding cookie is sent to: the callback only. */
const CALLBACK_PATH = '/auth/callback'

/** The cookie binding one sign-in to its browser (one per sign-in, so two tabs may sign in at once). */
function cookieName(state: string): string {
  return `briefcase_signin_${state.slice(0, 16)}`
}

function proof(secrets: RelaySecrets, state: string): string {
  return secrets.sign(`sign-in state ${state}`)
}

/**
 * Binds a sign-in's OAuth `state` to the browser starting it (OAuth 2.0 for browser-based apps,
 * login CSRF): an HttpOnly, SameSite=Lax cookie, sent to the callback only, that lives as long
 * as the sign-in may take. Its value is an HMAC of the state, so it proves the browser was given
 * this state by `/auth/login`.
 *
 * @example
 * ```ts
 * bindSignIn(c, secrets, state, 600)
 * ```
 */
export function bindSignIn(
  c: Context,
  secrets: RelaySecrets,
  state: string,
  maxAgeS: number,
): void {
  setCookie(c, cookieName(state), proof(secrets, state), {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    path: CALLBACK_PATH,
    maxAge: maxAgeS,
  })
}

/**
 * True when the callback's browser is the one {@link bindSignIn} bound `state` to. Clears the
 * cookie either way (a sign-in is single use).
 */
export function takeSignInBinding(c: Context, secrets: RelaySecrets, state: string): boolean {
  const name = cookieName(state)
  const given = getCookie(c, name)
  if (given !== undefined) deleteCookie(c, name, { path: CALLBACK_PATH })
  return given !== undefined && secrets.verify(`sign-in state ${state}`, given)
}
