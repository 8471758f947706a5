import { Hono } from 'hono'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createOrg, isOrgError } from './index.js'
import { idOf, REP1, startOrg, type TestOrg } from './testing/org-server.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'briefcase-org-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const bearer = (token: string): { headers: { Authorization: string } } => ({
  headers: { Authorization: `Bearer ${token}` },
})

describe('embedding', () => {
  test('the app mounts in a parent Hono app next to other routes', async () => {
    const org = createOrg({ seed: false })
    const parent = new Hono()
    parent.get('/health', (c) => c.text('ok'))
    parent.route('/', org.app)
    parent.get('/auth/callback', (c) => c.text('relay callback'))
    expect(await (await parent.request('/health')).text()).toBe('ok')
    expect(await (await parent.request('/auth/callback')).text()).toBe('relay callback')
    const token = org.issueToken(REP1)
    const res = await parent.request('/services/data/v62.0/sobjects/User/describe/', bearer(token))
    expect(res.status).toBe(200)
    const missing = await parent.request(
      '/services/data/v62.0/sobjects/Nope/describe',
      bearer(token),
    )
    expect(await missing.json()).toEqual([
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
    ])
  })

  test('two orgs in one process share nothing', async () => {
    const a = createOrg({ seed: false })
    const b = createOrg({ seed: false })
    const token = a.issueToken(REP1)
    const post = await a.app.request('/services/data/v62.0/sobjects/Account', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Only in A' }),
    })
    expect(post.status).toBe(201)
    expect(a.snapshot().Account).toHaveLength(1)
    expect(b.snapshot().Account).toHaveLength(0)
    expect((await b.app.request('/services/data/v62.0/limits', bearer(token))).status).toBe(401)
    a.setFaults({ serverErrorRate: 1 })
    expect(b.faults().serverErrorRate).toBe(0)
  })

  test('the seed is deterministic: same seed, same records', () => {
    const now = (): number => Date.parse('2025-01-01T00:00:00Z')
    const one = createOrg({ seed: 5, now, accounts: 40 }).snapshot()
    const two = createOrg({ seed: 5, now, accounts: 40 }).snapshot()
    const three = createOrg({ seed: 6, now, accounts: 40 }).snapshot()
    expect(two).toEqual(one)
    expect(three.Account).not.toEqual(one.Account)
  })

  test('the seeded org has the demo data the cache policy needs', () => {
    const org = createOrg()
    const snap = org.snapshot()
    expect(snap.User).toHaveLength(3)
    expect(snap.Account?.length).toBeGreaterThanOrEqual(200)
    expect(snap.Contact?.length).toBeGreaterThan(snap.Account?.length ?? 0)
    for (const name of ['Opportunity', 'Task', 'Event', 'Case', 'Lead', 'Site_Visit__c']) {
      expect(snap[name]?.length, name).toBeGreaterThan(30)
    }
    expect(snap.Dashboard?.length).toBeGreaterThanOrEqual(5)
    expect(snap.Task?.some((t) => t.IsClosed === false)).toBe(true)
    expect(org.users.map((u) => [u.username, u.profile])).toEqual([
      ['rep1@briefcase.test', 'Field Rep'],
      ['rep2@briefcase.test', 'Field Rep'],
      ['manager@briefcase.test', 'Sales Manager'],
    ])
    expect(org.users[0]?.managerId).toBe(org.users[2]?.id)
  })

  test('invalid options are an OrgError', () => {
    let caught: unknown
    try {
      createOrg({ apiLimit: -1 })
    } catch (error) {
      caught = error
    }
    expect(isOrgError(caught, 'BRIEFCASE_ORG_INVALID_OPTIONS')).toBe(true)
    expect(() => createOrg({ seed: false }).issueToken('nobody@x')).toThrowError(/No active user/)
  })
})

describe('admin routes', () => {
  let t: TestOrg
  beforeAll(async () => {
    t = await startOrg({ seed: 3, accounts: 10 })
  })
  afterAll(() => t.close())
  const admin = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${t.url}/__org${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...init.headers },
    })

  test('snapshot, seed and reset', async () => {
    const conn = await t.login(REP1)
    const id = idOf(await conn.sobject('Account').create({ Name: 'Before reset' }))
    await conn.sobject('Account').destroy(id)
    const snap = (await (await admin('/snapshot')).json()) as Record<
      string,
      Array<Record<string, unknown>>
    >
    expect(snap.Account?.find((a) => a.Id === id)).toMatchObject({
      Name: 'Before reset',
      IsDeleted: true,
    })
    const seeded = (await (
      await admin('/seed', { method: 'POST', body: JSON.stringify({ seed: 4, accounts: 5 }) })
    ).json()) as { counts: Record<string, number> }
    expect(seeded.counts.Account).toBe(5)
    const reset = (await (await admin('/reset', { method: 'POST' })).json()) as {
      seed: number
      counts: Record<string, number>
    }
    expect(reset).toMatchObject({ seed: 3, counts: { Account: 10, User: 3 } })
    expect(t.org.calls()).toEqual([])
    expect((await conn.query('SELECT COUNT() FROM Account')).totalSize).toBe(10)
  })

  test('clock: set, advance, reset', async () => {
    const set = (await (
      await admin('/clock', {
        method: 'POST',
        body: JSON.stringify({ set: '2030-01-01T00:00:00Z' }),
      })
    ).json()) as { now: string }
    expect(set.now.startsWith('2030-01-01T00:00:0')).toBe(true)
    const moved = (await (
      await admin('/clock', { method: 'POST', body: JSON.stringify({ advanceMs: 86_400_000 }) })
    ).json()) as { now: string }
    expect(moved.now.startsWith('2030-01-02')).toBe(true)
    const back = (await (
      await admin('/clock', { method: 'POST', body: JSON.stringify({ reset: true }) })
    ).json()) as { now: string }
    expect(Math.abs(Date.parse(back.now) - Date.now())).toBeLessThan(5000)
  })

  test('connected apps, users, bad input', async () => {
    const app = await admin('/connected-apps', {
      method: 'POST',
      body: JSON.stringify({
        clientId: 'other',
        clientSecret: 's',
        redirectUris: ['http://localhost/cb'],
      }),
    })
    expect(app.status).toBe(201)
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: 'other',
      redirect_uri: 'http://localhost/cb',
    })
    expect((await fetch(`${t.url}/services/oauth2/authorize?${params}`)).status).toBe(200)
    const users = (await (await admin('/users')).json()) as Array<{
      username: string
      password: string
    }>
    expect(users.map((u) => u.password)).toEqual([
      'rep1-password',
      'rep2-password',
      'manager-password',
    ])
    expect((await admin('/seed', { method: 'POST', body: '{oops' })).status).toBe(400)
    expect((await admin('/save', { method: 'POST' })).status).toBe(400)
    expect((await admin('/nothing')).status).toBe(404)
  })
})

describe('persistence', () => {
  test('save and load through a file, sign-ins included', async () => {
    const file = join(dir, 'explicit.json')
    const org = createOrg({ seed: 1, accounts: 5 })
    const token = org.issueToken(REP1)
    await org.app.request('/services/data/v62.0/sobjects/Account', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Persisted' }),
    })
    await org.save(file)
    const other = createOrg({ seed: false })
    await other.load(file)
    expect(other.snapshot().Account?.map((a) => a.Name)).toContain('Persisted')
    expect((await other.app.request('/services/data/v62.0/limits', bearer(token))).status).toBe(200)
    await expect(other.load(join(dir, 'missing.json'))).rejects.toSatisfy((e: unknown) =>
      isOrgError(e, 'BRIEFCASE_ORG_DATA_FILE'),
    )
  })

  test('a data file is written after changes and read back on the next start', async () => {
    const file = join(dir, 'auto', 'org.json')
    const first = createOrg({ seed: 2, accounts: 5, dataFile: file })
    const token = first.issueToken(REP1)
    await first.app.request('/services/data/v62.0/sobjects/Account', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Survives restarts' }),
    })
    await first.close()
    const saved = JSON.parse(await readFile(file, 'utf8')) as { format: string }
    expect(saved.format).toBe('briefcase-org')
    const second = createOrg({ seed: 99, dataFile: file })
    expect(second.snapshot().Account?.map((a) => a.Name)).toContain('Survives restarts')
    expect(second.snapshot().Account).toHaveLength(6)
    await second.close()
  })
})
