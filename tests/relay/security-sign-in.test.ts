import { createOrg } from '@briefcase/org'
import { startSignIn, startTestRelay } from '@briefcase/relay/testing'
import type { TestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Device } from './device.js'

/** A refused WebSocket upgrade: its status, content type and body. */
function refusedUpgrade(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('open', () => {
      ws.close()
      reject(new Error('the upgrade was accepted'))
    })
    ws.on('error', () => undefined)
    ws.on('unexpected-response', (_req, res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body,
        }),
      )
    })
  })
}

describe('sign-in bound to its browser, and JSON refusals of live upgrades', () => {
  let t: TestRelay
  beforeAll(async () => {
    t = await startTestRelay({ org: createOrg({ accounts: 6 }) })
  })
  afterAll(async () => {
    await t.close()
  })

  it("refuses an attacker's unused callback link opened in another browser, with a page saying so (login CSRF)", async () => {
    // The attacker signs in in their own browser and stops before the callback.
    const attack = await startSignIn({
      relayUrl: t.url,
      username: 'rep2@briefcase.test',
      password: 'rep2-password',
      device: 'attacker-phone',
    })
    expect(attack.cookie).toMatch(/^briefcase_signin_/)
    // The victim's fresh browser opens the link: no binding cookie.
    const victim = await fetch(attack.callback, {
      redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml' },
    })
    expect(victim.status).toBe(403)
    expect(victim.headers.get('location')).toBeNull()
    expect(victim.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await victim.text()
    expect(page).toContain('Sign-in refused')
    expect(page).toContain('not started in this browser')
    expect(page).toContain('BRIEFCASE_SIGN_IN_NOT_BOUND')
    expect(page).not.toContain('briefcase_session')
    // The link is burnt: even the attacker's own browser cannot use it now.
    const later = await fetch(attack.callback, {
      redirect: 'manual',
      headers: { cookie: attack.cookie },
    })
    expect(later.status).toBe(401)
    expect(await later.json()).toEqual({
      error: { code: 'BRIEFCASE_UNAUTHENTICATED', message: expect.any(String) as string },
    })
  })

  it('refuses a callback whose cookie belongs to another sign-in, and sets the binding as HttpOnly, SameSite=Lax, short-lived', async () => {
    const mine = await startSignIn({
      relayUrl: t.url,
      username: 'rep1@briefcase.test',
      password: 'rep1-password',
      device: 'mine',
    })
    const theirs = await startSignIn({
      relayUrl: t.url,
      username: 'rep2@briefcase.test',
      password: 'rep2-password',
      device: 'theirs',
    })
    const forged = await fetch(theirs.callback, {
      redirect: 'manual',
      headers: { cookie: mine.cookie },
    })
    expect(forged.status).toBe(403)
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe(
      'BRIEFCASE_SIGN_IN_NOT_BOUND',
    )
    const login = await fetch(`${t.url}/auth/login?device=cookie-check`, { redirect: 'manual' })
    const [set] = login.headers.getSetCookie()
    expect(set).toMatch(/HttpOnly/i)
    expect(set).toMatch(/SameSite=Lax/i)
    expect(set).toMatch(/Max-Age=600/)
    expect(set).toMatch(/Path=\/auth\/callback/)
    // The bound browser still signs in.
    const ok = await fetch(mine.callback, { redirect: 'manual', headers: { cookie: mine.cookie } })
    expect(ok.status).toBe(302)
    expect(ok.headers.get('location')).toMatch(/#briefcase_session=v1\./)
  })

  it('answers every refused live upgrade with a JSON error body', async () => {
    const rep1 = await Device.signIn(t.url, 'rep1', 'upgrade-rep1')
    const ws = t.url.replace(/^http/, 'ws')
    const cases = [
      {
        path: '/sync/live/Account/001000000000001',
        status: 401,
        code: 'BRIEFCASE_UNAUTHENTICATED',
      },
      {
        path: `/sync/live/Account/001000000000001?token=${rep1.token}x`,
        status: 401,
        code: 'BRIEFCASE_UNAUTHENTICATED',
      },
      {
        path: `/sync/live/Nope/x?token=${rep1.token}`,
        status: 400,
        code: 'BRIEFCASE_INVALID_NAME',
      },
      { path: '/no/such/route', status: 404, code: 'BRIEFCASE_NOT_FOUND' },
    ]
    for (const c of cases) {
      const res = await refusedUpgrade(`${ws}${c.path}`)
      expect(res.status, c.path).toBe(c.status)
      expect(res.type, c.path).toMatch(/^application\/json/)
      expect(JSON.parse(res.body), c.path).toEqual({
        error: { code: c.code, message: expect.any(String) as string },
      })
    }
  })
})
