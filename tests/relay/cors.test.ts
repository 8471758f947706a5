import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Device } from './device.js'

/** Elements embedded in a page of another origin call the relay from the browser. */
describe('cross-origin requests', () => {
  let t: TestRelay
  let org: Org
  beforeAll(async () => {
    org = createOrg({ accounts: 2 })
    t = await startTestRelay({
      org,
      projection: false,
      relay: { returnOrigins: ['https://crm.example.com'] },
    })
  })
  afterAll(async () => {
    await t.close()
    await org.close()
  })

  it('are allowed from the origins sign-in may return to, with the session header', async () => {
    const preflight = await fetch(`${t.url}/sync/bulk`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://crm.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://crm.example.com')
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/)
    const device = await Device.signIn(t.url, 'rep1', 'cors-device')
    const session = await device.fetch('/auth/session', {
      headers: { origin: 'https://crm.example.com' },
    })
    expect(session.status).toBe(200)
    expect(session.headers.get('access-control-allow-origin')).toBe('https://crm.example.com')
  })

  it('get no CORS headers from any other origin', async () => {
    const preflight = await fetch(`${t.url}/sync/bulk`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })
})
