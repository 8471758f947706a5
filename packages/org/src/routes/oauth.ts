import { Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { param } from '../http/context.js'
import type { OrgContext, OrgEnv } from '../http/env.js'
import { bearerToken } from '../http/middleware.js'
import { JSON_TYPE, sfErrors } from '../http/respond.js'
import type { ConnectedAppOptions } from '../oauth/connected-apps.js'
import { tokenSignature, verifyPkce } from '../oauth/pkce.js'
import type { AccessSession } from '../oauth/sessions.js'
import { callerFor, userIdByUsername, type OrgState } from '../state.js'
import { errorPage, loginPage, type AuthorizeParams } from './authorize-page.js'
import { identity, userInfo } from './identity-body.js'

type Form = Record<string, string>

function oauthError(c: OrgContext, error: string, description: string, status = 400): Response {
  return c.body(
    JSON.stringify({ error, error_description: description }),
    status as ContentfulStatusCode,
    {
      'Content-Type': JSON_TYPE,
    },
  )
}

async function form(c: OrgContext): Promise<Form> {
  const type = c.req.header('content-type') ?? ''
  const out: Form = {}
  if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    for (const [k, v] of Object.entries(await c.req.parseBody()))
      if (typeof v === 'string') out[k] = v
  }
  for (const [k, v] of Object.entries(c.req.query())) if (!(k in out)) out[k] = v
  return out
}

/** Checks username and password; the user's Id when they match an active user. */
export function authenticate(
  state: OrgState,
  username: string,
  password: string,
): string | undefined {
  const id = userIdByUsername(state, username)
  if (id === undefined || !callerFor(state, id) || state.passwords.get(id) !== password)
    return undefined
  return id
}

/** Whom the client-credentials grant runs as when the app names nobody: the seeded manager. */
const DEFAULT_RUN_AS = 'manager@briefcase.test'

function tokenBody(
  state: OrgState,
  c: OrgContext,
  session: AccessSession,
  app: ConnectedAppOptions | undefined,
  extra: { refresh_token?: string; scope?: string },
): Record<string, string> {
  const origin = new URL(c.req.url).origin
  const id = `${origin}/id/${state.orgId}/${session.userId}`
  const issuedAt = String(session.issuedAt)
  return {
    access_token: session.token,
    ...(extra.refresh_token === undefined ? {} : { refresh_token: extra.refresh_token }),
    signature: tokenSignature(app?.clientSecret ?? state.orgId, id, issuedAt),
    ...(extra.scope === undefined ? {} : { scope: extra.scope }),
    instance_url: origin,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  }
}

function authorizeParams(source: Form): AuthorizeParams {
  const p: { -readonly [K in keyof AuthorizeParams]: AuthorizeParams[K] } = {
    client_id: source.client_id ?? '',
    redirect_uri: source.redirect_uri ?? '',
    response_type: source.response_type ?? '',
  }
  for (const key of ['state', 'scope', 'code_challenge', 'code_challenge_method'] as const) {
    const v = source[key]
    if (v !== undefined) p[key] = v
  }
  return p
}

function checkAuthorize(
  state: OrgState,
  p: AuthorizeParams,
): { error: string; description: string } | undefined {
  const app = state.connectedApps.get(p.client_id)
  if (!app) return { error: 'invalid_client_id', description: 'client identifier invalid' }
  if (!app.redirectUris.includes(p.redirect_uri)) {
    return { error: 'redirect_uri_mismatch', description: 'redirect_uri must match configuration' }
  }
  if (p.response_type !== 'code') {
    return { error: 'unsupported_response_type', description: 'response type not supported' }
  }
  const method = p.code_challenge_method
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return { error: 'invalid_request', description: 'invalid code_challenge_method' }
  }
  return undefined
}

/** OAuth 2.0: token (password, client credentials, authorization code + PKCE, refresh), authorize, revoke, userinfo. */
export function oauthRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()

  app.post('/services/oauth2/token', async (c) => {
    const f = await form(c)
    const now = state.clock.now()
    const client = f.client_id === undefined ? undefined : state.connectedApps.get(f.client_id)
    const secretOk = client !== undefined && f.client_secret === client.clientSecret
    const issue = (
      userId: string,
      extra: { refresh_token?: string; scope?: string },
      session?: AccessSession,
    ): Response => {
      const s =
        session ?? state.sessions.issueAccess(userId, now, { clientId: client?.clientId ?? null })
      const caller = callerFor(state, userId)
      if (caller) c.set('caller', caller)
      state.changed()
      return c.body(JSON.stringify(tokenBody(state, c, s, client, extra)), 200, {
        'Content-Type': JSON_TYPE,
      })
    }
    switch (f.grant_type) {
      case 'password': {
        if (!client) return oauthError(c, 'invalid_client_id', 'client identifier invalid')
        if (!secretOk) return oauthError(c, 'invalid_client', 'invalid client credentials')
        const userId = authenticate(state, f.username ?? '', f.password ?? '')
        if (!userId) return oauthError(c, 'invalid_grant', 'authentication failure')
        return issue(userId, {})
      }
      case 'client_credentials': {
        if (!client) return oauthError(c, 'invalid_client_id', 'client identifier invalid')
        if (!secretOk) return oauthError(c, 'invalid_client', 'invalid client credentials')
        const userId = userIdByUsername(state, client.runAs ?? DEFAULT_RUN_AS)
        if (userId === undefined || !callerFor(state, userId)) {
          return oauthError(c, 'invalid_grant', 'no client credentials user enabled')
        }
        return issue(userId, { scope: 'api' })
      }
      case 'authorization_code': {
        if (!client) return oauthError(c, 'invalid_client_id', 'client identifier invalid')
        const code = state.sessions.consumeCode(f.code ?? '', now)
        if (!code || code.clientId !== client.clientId)
          return oauthError(c, 'invalid_grant', 'invalid authorization code')
        if (f.redirect_uri !== undefined && f.redirect_uri !== code.redirectUri) {
          return oauthError(c, 'invalid_grant', 'redirect_uri must match configuration')
        }
        if (code.codeChallenge !== null) {
          if (
            !f.code_verifier ||
            !verifyPkce(code.codeChallenge, code.codeChallengeMethod, f.code_verifier)
          ) {
            return oauthError(c, 'invalid_grant', 'invalid code verifier')
          }
          if (f.client_secret !== undefined && !secretOk)
            return oauthError(c, 'invalid_client', 'invalid client credentials')
        } else if (!secretOk) {
          return oauthError(c, 'invalid_client', 'invalid client credentials')
        }
        const refresh = state.sessions.issueRefresh(code.userId, client.clientId, now, code.scope)
        const session = state.sessions.issueAccess(code.userId, now, {
          clientId: client.clientId,
          refreshToken: refresh.token,
          scope: code.scope,
        })
        return issue(code.userId, { refresh_token: refresh.token, scope: code.scope }, session)
      }
      case 'refresh_token': {
        if (!client) return oauthError(c, 'invalid_client_id', 'client identifier invalid')
        if (f.client_secret !== undefined && !secretOk)
          return oauthError(c, 'invalid_client', 'invalid client credentials')
        const grant = state.sessions.refreshGrant(f.refresh_token ?? '')
        if (!grant || grant.clientId !== client.clientId || !callerFor(state, grant.userId)) {
          return oauthError(c, 'invalid_grant', 'expired access/refresh token')
        }
        const session = state.sessions.issueAccess(grant.userId, now, {
          clientId: client.clientId,
          refreshToken: grant.token,
          scope: grant.scope,
        })
        return issue(grant.userId, { scope: grant.scope }, session)
      }
      default:
        return oauthError(c, 'unsupported_grant_type', 'grant type not supported')
    }
  })

  app.get('/services/oauth2/authorize', (c) => {
    const p = authorizeParams(c.req.query())
    const problem = checkAuthorize(state, p)
    if (problem) return c.html(errorPage(problem.error, problem.description), 400)
    return c.html(loginPage(p, { username: c.req.query('login_hint') ?? '' }))
  })

  app.post('/services/oauth2/authorize', async (c) => {
    const f = await form(c)
    const p = authorizeParams(f)
    const problem = checkAuthorize(state, p)
    if (problem) return c.html(errorPage(problem.error, problem.description), 400)
    const userId = authenticate(state, f.username ?? '', f.password ?? '')
    if (!userId) {
      return c.html(
        loginPage(p, {
          error:
            "Please check your username and password. If you still can't log in, contact your Salesforce administrator.",
          username: f.username ?? '',
        }),
        200,
      )
    }
    const caller = callerFor(state, userId)
    if (caller) c.set('caller', caller)
    const code = state.sessions.issueCode(
      {
        userId,
        clientId: p.client_id,
        redirectUri: p.redirect_uri,
        codeChallenge: p.code_challenge ?? null,
        codeChallengeMethod: p.code_challenge_method === 'plain' ? 'plain' : 'S256',
        scope: p.scope ?? 'api refresh_token',
      },
      state.clock.now(),
    )
    const target = new URL(p.redirect_uri)
    target.searchParams.set('code', code.code)
    if (p.state !== undefined) target.searchParams.set('state', p.state)
    return c.redirect(target.toString(), 302)
  })

  const revoke = async (c: OrgContext): Promise<Response> => {
    const f = await form(c)
    const token = f.token ?? ''
    if (!state.sessions.revoke(token)) return oauthError(c, 'invalid_token', 'invalid token')
    state.changed()
    return c.body(null, 200)
  }
  app.post('/services/oauth2/revoke', revoke)
  app.get('/services/oauth2/revoke', revoke)

  app.get('/services/oauth2/userinfo', (c) => {
    const token = bearerToken(c.req.header('authorization')) ?? c.req.query('oauth_token')
    const check = token ? state.sessions.check(token, state.clock.now()) : undefined
    const caller = check?.ok ? callerFor(state, check.session.userId) : undefined
    if (!check?.ok || !caller)
      return sfErrors(401, [
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ])
    c.set('caller', caller)
    return c.body(JSON.stringify(userInfo(state, new URL(c.req.url).origin, caller.userId)), 200, {
      'Content-Type': JSON_TYPE,
    })
  })

  app.get('/id/:org/:user', (c) => {
    const token = bearerToken(c.req.header('authorization')) ?? c.req.query('oauth_token')
    const check = token ? state.sessions.check(token, state.clock.now()) : undefined
    const caller = check?.ok ? callerFor(state, check.session.userId) : undefined
    if (!check?.ok || !caller) return c.text('Bad_OAuth_Token', 403)
    c.set('caller', caller)
    const orgId = param(c, 'org')
    const userId = param(c, 'user')
    const body =
      orgId.slice(0, 15) === state.orgId.slice(0, 15)
        ? identity(state, new URL(c.req.url).origin, userId)
        : undefined
    if (!body) return c.text('Bad_Id', 404)
    return c.body(JSON.stringify(body), 200, { 'Content-Type': JSON_TYPE })
  })

  return app
}
