// The README's usage examples, run as written (ports aside), so the documentation cannot rot.
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { Connection } from 'jsforce'
import type { AddressInfo } from 'node:net'
import { afterAll, expect, test } from 'vitest'
import { createOrg } from './index.js'

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
  delete process.env[name]

const servers: ServerType[] = []
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))))

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<string> {
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    )
    servers.push(server)
  })
}

test('README: embedded in a Hono app, then used with jsforce', async () => {
  const org = createOrg({ redirectUris: ['http://localhost:8787/auth/callback'] })
  const app = new Hono()
  app.route('/', org.app) // /services/*, /id/*, /__org/*
  app.get('/auth/callback', (c) => c.text('your OAuth callback'))
  const url = await listen(app.fetch)

  const conn = new Connection({
    oauth2: { clientId: 'briefcase-relay', clientSecret: 'briefcase-relay-secret', loginUrl: url },
    version: '62.0',
  })
  await conn.login('rep1@briefcase.test', 'rep1-password') // OAuth password grant
  await conn.sobject('Account').create({ Name: 'Acme', Phone: '(415) 555-0100' })
  const { records } = await conn.query(
    'SELECT Id, Name, Owner.Name FROM Account ORDER BY Name LIMIT 5',
  )

  expect(records).toHaveLength(5)
  expect(await (await fetch(`${url}/auth/callback`)).text()).toBe('your OAuth callback')
  expect(org.calls().filter((c) => c.counted)).toHaveLength(2)
})

test('README: in tests, app.request and issueToken need no socket', async () => {
  const org = createOrg({ seed: false })
  const token = org.issueToken('manager@briefcase.test')
  const res = await org.app.request('/services/data/v62.0/limits', {
    headers: { Authorization: `Bearer ${token}` },
  })
  expect(res.headers.get('sforce-limit-info')).toBe('api-usage=1/100000')
})
