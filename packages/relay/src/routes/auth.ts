import { createHash, randomBytes } from 'node:crypto'
import type { SessionInfo } from '@briefcase/protocol'
import { RelayErrorCode, SESSION_FRAGMENT } from '@briefcase/protocol'
import { isDeviceId } from '@briefcase/record'
import { Hono } from 'hono'
import type { Connection } from 'jsforce'
import type { RelayEnv } from '../app/env.js'
import { requireSession } from '../app/middleware.js'
import type { RelayServices } from '../app/services.js'
import { RelayError } from '../errors.js'
import { fromSalesforceError } from '../salesforce/salesforce-errors.js'
import { RELAY_CALL_CLIENT } from '../salesforce/connections.js'
import { bindDevice } from '../auth/device-binding.js'
import { bindSignIn, takeSignInBinding } from '../auth/sign-in-binding.js'
import { refuseSignIn } from './sign-in-refusal.js'

/** How long a sign-in may take between `/auth/login` and `/auth/callback`. */
const SIGN_IN_TTL_MS = 10 * 60_000

/** The identity service's answer (the fields the relay reads). */
interface Identity {
  user_id: string
  organization_id: string
  username: string
  display_name?: string
  email?: string
}

function badRequest(message: string): RelayError {
  return new RelayError(RelayErrorCode.badRequest, message)
}

/** True for device ids a device may use: not the relay's own, not a server stamp's (`sf-…`). */
export function isAllowedDevice(device: string | undefined): device is string {
  return isDeviceId(device) && device !== 'relay' && !device.toLowerCase().startsWith('sf-')
}

function checkReturn(services: RelayServices, relayOrigin: string, value: string): string {
  let url: URL
  try {
    url = new URL(value, relayOrigin)
  } catch {
    throw badRequest('`return` is not a URL.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badRequest('`return` must be http(s).')
  if (url.origin !== relayOrigin && !services.returnOrigins.has(url.origin)) {
    throw badRequest(
      `This relay does not let sign-in return to ${url.origin}: add ${url.origin} to its return ` +
        `origins (\`--return-origin ${url.origin}\` of the server).`,
    )
  }
  url.hash = ''
  return url.toString()
}

/**
 * Sign-in through the org's OAuth 2.0 (authorization code + PKCE): `/auth/login` redirects to the
 * org's authorize page, `/auth/callback` exchanges the code (the refresh token stays on the relay,
 * encrypted) and hands the device a relay session in the return URL's fragment. `/auth/session`
 * describes the session; `/auth/logout` revokes it and closes its live connections.
 */
export function authRoutes(services: RelayServices): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>()

  app.get('/login', async (c) => {
    const device = c.req.query('device')
    if (!isAllowedDevice(device)) {
      throw badRequest(
        '`device` must be 1–64 of A–Z a–z 0–9 _ - (not "relay", not starting "sf-").',
      )
    }
    const relayOrigin = new URL(services.salesforce.options.redirectUri).origin
    const returnTo = checkReturn(services, relayOrigin, c.req.query('return') ?? '/')
    const state = randomBytes(24).toString('base64url')
    const verifier = randomBytes(48).toString('base64url')
    await services.store.putOAuthState({
      state,
      verifier,
      device,
      returnTo,
      expiresAt: services.now() + SIGN_IN_TTL_MS,
    })
    bindSignIn(c, services.secrets, state, SIGN_IN_TTL_MS / 1000)
    const hint = c.req.query('login_hint')
    const url = (await services.salesforce.oauth2()).getAuthorizationUrl({
      state,
      scope: 'api refresh_token',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(hint ? { login_hint: hint } : {}),
    })
    return c.redirect(url, 302)
  })

  app.get('/callback', async (c) => {
    const state = c.req.query('state') ?? ''
    const pending = state ? await services.store.takeOAuthState(state, services.now()) : undefined
    const bound = state !== '' && takeSignInBinding(c, services.secrets, state)
    if (!pending) {
      return refuseSignIn(
        c,
        new RelayError(
          RelayErrorCode.unauthenticated,
          'This sign-in is unknown or has expired; start again.',
        ),
      )
    }
    if (!bound) {
      c.get('log').warn({ device: pending.device }, 'sign-in callback from another browser')
      return refuseSignIn(
        c,
        new RelayError(
          RelayErrorCode.signInNotBound,
          'This sign-in link was not started in this browser, so it was refused: someone may have sent it to sign you in to their account.',
        ),
      )
    }
    const back = (fragment: string): Response => c.redirect(`${pending.returnTo}#${fragment}`, 302)
    const error = c.req.query('error')
    const code = c.req.query('code')
    if (error || !code) return back(`briefcase_error=${encodeURIComponent(error ?? 'no_code')}`)
    const oauth2 = await services.salesforce.oauth2()
    let identity: Identity
    let refreshToken: string
    let conn: Connection
    try {
      const token = await oauth2.requestToken(code, { code_verifier: pending.verifier })
      if (!token.refresh_token) {
        throw badRequest(
          'The org issued no refresh token: give the connected app the refresh_token scope.',
        )
      }
      refreshToken = token.refresh_token
      const { Connection } = await import('jsforce')
      conn = new Connection({
        oauth2,
        instanceUrl: token.instance_url,
        accessToken: token.access_token,
        refreshToken,
        version: services.salesforce.apiVersion,
        callOptions: { client: RELAY_CALL_CLIENT },
      })
      identity = await conn.request<Identity>({ method: 'GET', url: token.id })
    } catch (e) {
      c.get('log').warn({ err: e }, 'sign-in failed')
      if (e instanceof RelayError) throw e
      const refused = fromSalesforceError(e, 'signing in')
      return back(`briefcase_error=${encodeURIComponent(refused.code)}`)
    }
    const userId = identity.user_id
    await services.store.putUser({
      id: userId,
      orgId: identity.organization_id,
      username: identity.username,
      name: identity.display_name ?? identity.username,
      email: identity.email ?? null,
      instanceUrl: conn.instanceUrl,
      refreshToken: services.secrets.seal(refreshToken),
      updatedAt: services.now(),
    })
    services.salesforce.adopt(userId, conn)
    services.views.forgetUser(userId)
    const device = await bindDevice(services.store, userId, pending.device, services.now())
    const { token } = await services.sessions.create(userId, device)
    c.get('log').info({ user: userId, device, proposed: pending.device }, 'signed in')
    return back(`${SESSION_FRAGMENT}=${encodeURIComponent(token)}`)
  })

  app.get('/session', requireSession(services), async (c) => {
    const session = c.get('session')
    const user = await services.store.getUser(session.userId)
    if (!user) throw new RelayError(RelayErrorCode.unauthenticated, 'Sign in again.')
    const body: SessionInfo = {
      user: {
        id: user.id,
        name: user.name,
        username: user.username,
        ...(user.email ? { email: user.email } : {}),
      },
      device: session.device,
      expiresAt: new Date(session.expiresAt).toISOString(),
      instanceUrl: user.instanceUrl,
      engine: 'yjs',
    }
    return c.json(body)
  })

  app.post('/logout', requireSession(services), async (c) => {
    const session = c.get('session')
    await services.sessions.revoke(session.id)
    services.live.closeSession(session.id)
    return c.body(null, 204)
  })

  return app
}
