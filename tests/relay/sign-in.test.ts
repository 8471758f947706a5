import { createOrg } from '@briefcase/org'
import type { SessionInfo } from '@briefcase/protocol'
import { signInDevice, startTestRelay } from '@briefcase/relay/testing'
import type { TestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

describe('sign-in through the org (authorization code + PKCE)', () => {
  let t: TestRelay
  beforeAll(async () => {
    t = await startTestRelay({ org: createOrg({ accounts: 10 }) })
  })
  afterAll(async () => {
    await t.close()
  })

  const session = (token?: string): Promise<Response> =>
    fetch(`${t.url}/auth/session`, token ? { headers: { authorization: `Bearer ${token}` } } : {})

  it('signs a device in and describes its session, without any Salesforce token', async () => {
    const token = await signInDevice({
      relayUrl: t.url,
      username: 'rep1@briefcase.test',
      password: 'rep1-password',
      device: 'phone-1',
    })
    expect(token).toMatch(/^v1\./)
    const res = await session(token)
    expect(res.status).toBe(200)
    const info = (await res.json()) as SessionInfo
    expect(info).toMatchObject({
      user: { name: 'Maya Patel', username: 'rep1@briefcase.test' },
      device: 'phone-1',
      engine: 'yjs',
      instanceUrl: t.url,
    })
    expect(JSON.stringify(info)).not.toMatch(/access_token|refresh|!AR/)
  })

  it('refuses requests without a session, with a forged one, and after logout', async () => {
    const token = await signInDevice({
      relayUrl: t.url,
      username: 'rep2@briefcase.test',
      password: 'rep2-password',
      device: 'tablet',
    })
    expect(await (await session()).json()).toEqual({
      error: { code: 'BRIEFCASE_UNAUTHENTICATED', message: expect.any(String) as string },
    })
    const forged = token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))
    expect((await session(forged)).status).toBe(401)
    const out = await fetch(`${t.url}/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(out.status).toBe(204)
    const after = await session(token)
    expect(after.status).toBe(401)
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe(
      'BRIEFCASE_SESSION_EXPIRED',
    )
  })

  it('refuses a wrong password, a reserved device id and a foreign return URL', async () => {
    await expect(
      signInDevice({
        relayUrl: t.url,
        username: 'rep1@briefcase.test',
        password: 'nope',
        device: 'd',
      }),
    ).rejects.toThrow(/login form/)
    for (const query of [
      'device=sf-005000000000001',
      'device=relay',
      'device=ok&return=https://evil.example/',
    ]) {
      const res = await fetch(`${t.url}/auth/login?${query}`, { redirect: 'manual' })
      expect(res.status, query).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'BRIEFCASE_BAD_REQUEST',
      )
    }
    const stale = await fetch(`${t.url}/auth/callback?code=x&state=unknown`, { redirect: 'manual' })
    expect(stale.status).toBe(401)
  })
})
