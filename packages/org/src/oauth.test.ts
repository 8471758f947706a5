import { OAuth2, Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MANAGER, REP1, failure, startOrg, type TestOrg } from './testing/org-server.js'

let t: TestOrg
const REDIRECT = 'http://127.0.0.1:9/auth/callback'

beforeAll(async () => {
  t = await startOrg({ redirectUris: [REDIRECT], tokenTtlMs: 60_000 })
})
afterAll(() => t.close())

/** Runs the authorize page as a browser would: fill the form, take the redirect. */
async function signIn(authorizeUrl: string, username: string, password: string): Promise<URL> {
  const page = await fetch(authorizeUrl)
  expect(page.status).toBe(200)
  const html = await page.text()
  const form = new URLSearchParams()
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(m[1] ?? '', (m[2] ?? '').replace(/&amp;/g, '&'))
  }
  form.set('username', username)
  form.set('password', password)
  const res = await fetch(`${t.url}/services/oauth2/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  })
  expect(res.status).toBe(302)
  return new URL(res.headers.get('location') ?? '')
}

describe('password grant', () => {
  test('jsforce login signs in a seeded user and establishes the session', async () => {
    const conn = await t.login(REP1)
    expect(conn.instanceUrl).toBe(t.url)
    expect(conn.accessToken).toMatch(/^00D[A-Za-z0-9]{12}!/)
    expect(conn.userInfo?.id).toBe(t.org.users[0]?.id)
    expect(conn.userInfo?.organizationId).toBe(t.org.orgId)
    expect(conn.refreshToken).toBeFalsy()
  })

  test('bad credentials answer invalid_grant authentication failure', async () => {
    const conn = new Connection({
      oauth2: {
        clientId: 'briefcase-relay',
        clientSecret: 'briefcase-relay-secret',
        loginUrl: t.url,
      },
      version: '62.0',
    })
    const err = await failure(conn.login(REP1, 'wrong'))
    expect(err.name).toBe('invalid_grant')
    expect(err.message).toBe('authentication failure')
  })

  test('an unknown client or a wrong secret is refused', async () => {
    const unknown = new OAuth2({ clientId: 'nope', clientSecret: 'x', loginUrl: t.url })
    expect((await failure(unknown.authenticate(REP1, 'rep1-password'))).name).toBe(
      'invalid_client_id',
    )
    const wrong = new OAuth2({ clientId: 'briefcase-relay', clientSecret: 'x', loginUrl: t.url })
    expect((await failure(wrong.authenticate(REP1, 'rep1-password'))).name).toBe('invalid_client')
  })
})

describe('SOAP login (jsforce without OAuth client credentials)', () => {
  test('login and logout through the partner SOAP API', async () => {
    const conn = new Connection({ loginUrl: t.url, version: '62.0' })
    conn._logger.warn = () => undefined
    const info = await conn.login(REP1, 'rep1-password')
    expect(info).toEqual({
      id: t.org.users[0]?.id,
      organizationId: t.org.orgId,
      url: `${t.url}/id/${t.org.orgId}/${t.org.users[0]?.id}`,
    })
    expect((await conn.query('SELECT COUNT() FROM User')).totalSize).toBe(3)
    const token = conn.accessToken ?? ''
    await conn.logout()
    expect((await t.fetch('/services/data/v62.0/limits', { token })).status).toBe(401)
    const bad = new Connection({ loginUrl: t.url, version: '62.0' })
    bad._logger.warn = () => undefined
    expect((await failure(bad.login(REP1, 'nope'))).message).toBe(
      'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
    )
  })
})

describe('client credentials grant', () => {
  test('runs as the manager by default', async () => {
    const conn = new Connection({
      oauth2: {
        clientId: 'briefcase-relay',
        clientSecret: 'briefcase-relay-secret',
        loginUrl: t.url,
      },
      version: '62.0',
    })
    const info = await conn.authorize({ grant_type: 'client_credentials' })
    expect(info.id).toBe(t.org.users.find((u) => u.username === MANAGER)?.id)
    const identity = await conn.identity()
    expect(identity.username).toBe(MANAGER)
  })
})

describe('authorization code grant with PKCE', () => {
  test('the authorize page signs a user in and jsforce exchanges the code (S256)', async () => {
    const conn = new Connection({
      oauth2: {
        clientId: 'briefcase-relay',
        clientSecret: 'briefcase-relay-secret',
        redirectUri: REDIRECT,
        loginUrl: t.url,
        useVerifier: true,
      },
      version: '62.0',
    })
    const location = await signIn(
      conn.oauth2.getAuthorizationUrl({ state: 'xyz', scope: 'api refresh_token' }),
      REP1,
      'rep1-password',
    )
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT)
    expect(location.searchParams.get('state')).toBe('xyz')
    const code = location.searchParams.get('code') ?? ''
    const info = await conn.authorize(code)
    expect(info.id).toBe(t.org.users[0]?.id)
    expect(conn.refreshToken).toMatch(/^5Aep/)
    const me = await conn.identity()
    expect(me.username).toBe(REP1)
    // A code works once.
    const again = await failure(conn.oauth2.requestToken(code))
    expect(again.name).toBe('invalid_grant')
  })

  test('plain PKCE with a public client (no secret) works through plain fetch', async () => {
    const verifier = 'plain-verifier-0123456789-abcdefghijklmnopqrstuvwxyz'
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: 'briefcase-relay',
      redirect_uri: REDIRECT,
      code_challenge: verifier,
      code_challenge_method: 'plain',
    })
    const location = await signIn(
      `${t.url}/services/oauth2/authorize?${params}`,
      MANAGER,
      'manager-password',
    )
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      client_id: 'briefcase-relay',
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    })
    const res = await fetch(`${t.url}/services/oauth2/token`, { method: 'POST', body })
    expect(res.status).toBe(200)
    const json = (await res.json()) as Record<string, string>
    expect(Object.keys(json).sort()).toEqual([
      'access_token',
      'id',
      'instance_url',
      'issued_at',
      'refresh_token',
      'scope',
      'signature',
      'token_type',
    ])
    expect(json.token_type).toBe('Bearer')
  })

  test('a wrong code verifier is refused', async () => {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: 'briefcase-relay',
      redirect_uri: REDIRECT,
      code_challenge: 'abc',
    })
    const location = await signIn(
      `${t.url}/services/oauth2/authorize?${params}`,
      REP1,
      'rep1-password',
    )
    const res = await fetch(`${t.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: location.searchParams.get('code') ?? '',
        client_id: 'briefcase-relay',
        redirect_uri: REDIRECT,
        code_verifier: 'nope',
      }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid code verifier',
    })
  })

  test('a redirect URI that is not registered gets an error page, never a redirect', async () => {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: 'briefcase-relay',
      redirect_uri: 'https://evil.example/cb',
    })
    const res = await fetch(`${t.url}/services/oauth2/authorize?${params}`, { redirect: 'manual' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('redirect_uri_mismatch')
  })

  test("wrong credentials on the form show the form again with Salesforce's message", async () => {
    const form = new URLSearchParams({
      response_type: 'code',
      client_id: 'briefcase-relay',
      redirect_uri: REDIRECT,
      username: REP1,
      password: 'bad',
    })
    const res = await fetch(`${t.url}/services/oauth2/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Please check your username and password.')
  })

  test('registerConnectedApp adds a callback URL at run time', async () => {
    t.org.registerConnectedApp({
      clientId: 'briefcase-relay',
      clientSecret: 'briefcase-relay-secret',
      redirectUris: ['http://127.0.0.1:9999/auth/callback'],
    })
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: 'briefcase-relay',
      redirect_uri: 'http://127.0.0.1:9999/auth/callback',
    })
    expect((await fetch(`${t.url}/services/oauth2/authorize?${params}`)).status).toBe(200)
  })
})

describe('sessions', () => {
  test('an expired token answers 401 INVALID_SESSION_ID and jsforce refreshes with its refresh token', async () => {
    const conn = new Connection({
      oauth2: {
        clientId: 'briefcase-relay',
        clientSecret: 'briefcase-relay-secret',
        redirectUri: REDIRECT,
        loginUrl: t.url,
      },
      version: '62.0',
    })
    const location = await signIn(conn.oauth2.getAuthorizationUrl({}), REP1, 'rep1-password')
    await conn.authorize(location.searchParams.get('code') ?? '')
    const first = conn.accessToken ?? ''
    t.org.advanceClock(61_000)
    try {
      const raw = await t.fetch('/services/data/v62.0/limits', { token: first })
      expect(raw.status).toBe(401)
      expect(await raw.json()).toEqual([
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ])
      const limits = await conn.limits()
      expect(limits.DailyApiRequests?.Max).toBe(100000)
      expect(conn.accessToken).not.toBe(first)
    } finally {
      t.org.resetClock()
    }
  })

  test('a revoked refresh token takes its access tokens with it; refreshing then fails', async () => {
    const conn = new Connection({
      oauth2: {
        clientId: 'briefcase-relay',
        clientSecret: 'briefcase-relay-secret',
        redirectUri: REDIRECT,
        loginUrl: t.url,
      },
      version: '62.0',
    })
    const location = await signIn(conn.oauth2.getAuthorizationUrl({}), REP1, 'rep1-password')
    await conn.authorize(location.searchParams.get('code') ?? '')
    const access = conn.accessToken ?? ''
    const refresh = conn.refreshToken ?? ''
    await conn.oauth2.revokeToken(refresh)
    expect((await t.fetch('/services/data/v62.0/limits', { token: access })).status).toBe(401)
    const err = await failure(conn.oauth2.refreshToken(refresh))
    expect(err.name).toBe('invalid_grant')
    expect(err.message).toBe('expired access/refresh token')
  })

  test('logout revokes the access token', async () => {
    const conn = await t.login(REP1)
    const token = conn.accessToken ?? ''
    await conn.logout()
    expect((await t.fetch('/services/data/v62.0/limits', { token })).status).toBe(401)
  })

  test('a missing or forged token answers 401 INVALID_SESSION_ID', async () => {
    const res = await t.fetch('/services/data/v62.0/sobjects')
    expect(res.status).toBe(401)
    const conn = t.connect(`${t.org.orgId.slice(0, 15)}!forged`)
    const err = await failure(conn.query('SELECT Id FROM Account LIMIT 1'))
    expect(err.errorCode).toBe('INVALID_SESSION_ID')
  })
})

describe('identity', () => {
  test('identity URL and userinfo describe the signed-in user', async () => {
    const conn = await t.login(REP1)
    const id = await conn.identity()
    expect(id.user_id).toBe(t.org.users[0]?.id)
    expect(id.organization_id).toBe(t.org.orgId)
    expect(id.display_name).toBe('Maya Patel')
    expect(id.urls.rest).toBe(`${t.url}/services/data/v{version}/`)
    const res = await t.fetch('/services/oauth2/userinfo', { token: conn.accessToken ?? '' })
    const info = (await res.json()) as Record<string, unknown>
    expect(info.preferred_username).toBe(REP1)
    expect(info.sub).toBe(`${t.url}/id/${t.org.orgId}/${t.org.users[0]?.id}`)
  })

  test('the version root advertises the identity URL', async () => {
    const conn = await t.login(REP1)
    const root = await conn.request<{ identity: string }>('/services/data/v62.0/')
    expect(root.identity).toBe(`${t.url}/id/${t.org.orgId}/${t.org.users[0]?.id}`)
  })
})
