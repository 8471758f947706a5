import type { Connection } from 'jsforce'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { failure, REP1, startOrg, type TestOrg } from './testing/org-server.js'

let t: TestOrg
let rep1: Connection

beforeAll(async () => {
  t = await startOrg({ seed: 7, accounts: 20 })
  rep1 = await t.login(REP1)
})
afterAll(() => t.close())
afterEach(() => {
  t.org.setFaults({
    serverErrorRate: 0,
    latencyMs: 0,
    lockRowRate: 0,
    limitBurst: 0,
    dropConnectionRate: 0,
    failNext: [],
  })
})

const createAccount = (name: string): Promise<Response> =>
  t.fetch('/services/data/v62.0/sobjects/Account', {
    method: 'POST',
    token: rep1.accessToken ?? '',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Name: name }),
  })

describe('daily API request limit', () => {
  test('exhaustion answers 403 REQUEST_LIMIT_EXCEEDED until the next day', async () => {
    const small = await startOrg({ seed: false, apiLimit: 3 })
    try {
      const conn = await small.login(REP1)
      await conn.limits()
      await conn.limits()
      const third = await small.fetch('/services/data/v62.0/limits', {
        token: conn.accessToken ?? '',
      })
      expect(third.headers.get('sforce-limit-info')).toBe('api-usage=3/3')
      expect(((await third.json()) as { DailyApiRequests: unknown }).DailyApiRequests).toEqual({
        Max: 3,
        Remaining: 0,
      })
      const res = await small.fetch('/services/data/v62.0/limits', {
        token: conn.accessToken ?? '',
      })
      expect(res.status).toBe(403)
      expect(res.headers.get('sforce-limit-info')).toBe('api-usage=3/3')
      expect(await res.json()).toEqual([
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ])
      const err = await failure(conn.sobject('Account').create({ Name: 'x' }))
      expect(err.errorCode).toBe('REQUEST_LIMIT_EXCEEDED')
      small.org.advanceClock(24 * 60 * 60_000)
      expect((await conn.limits()).DailyApiRequests).toEqual({ Max: 3, Remaining: 2 })
    } finally {
      await small.close()
    }
  })
})

describe('fault injection', () => {
  test('failNext fails the next matching calls, then lets them through', async () => {
    t.org.setFaults({
      failNext: [
        {
          method: 'POST',
          pathIncludes: '/sobjects/Account',
          status: 400,
          errorCode: 'UNABLE_TO_LOCK_ROW',
          message: 'unable to obtain exclusive access to this record',
          times: 2,
        },
      ],
    })
    const answers = [
      await createAccount('F1'),
      await createAccount('F2'),
      await createAccount('F3'),
    ]
    expect(answers.map((r) => r.status)).toEqual([400, 400, 201])
    expect(await answers[0]?.json()).toEqual([
      {
        message: 'unable to obtain exclusive access to this record',
        errorCode: 'UNABLE_TO_LOCK_ROW',
      },
    ])
    expect(t.org.faults().failNext).toEqual([])
  })

  test('limitBurst answers REQUEST_LIMIT_EXCEEDED for the next N data calls', async () => {
    t.org.setFaults({ limitBurst: 2 })
    await t.login(REP1) // OAuth calls do not use up the burst
    expect((await failure(rep1.sobject('Account').create({ Name: 'B1' }))).errorCode).toBe(
      'REQUEST_LIMIT_EXCEEDED',
    )
    expect((await failure(rep1.sobject('Account').create({ Name: 'B2' }))).errorCode).toBe(
      'REQUEST_LIMIT_EXCEEDED',
    )
    expect((await rep1.sobject('Account').create({ Name: 'B3' })).success).toBe(true)
  })

  test('lockRowRate affects writes only', async () => {
    t.org.setFaults({ lockRowRate: 1 })
    const err = await failure(rep1.sobject('Account').create({ Name: 'Locked' }))
    expect(err.errorCode).toBe('UNABLE_TO_LOCK_ROW')
    expect((await rep1.query('SELECT COUNT() FROM Account')).totalSize).toBeGreaterThan(0)
  })

  test('server errors are seeded and deterministic', async () => {
    const run = async (): Promise<number[]> => {
      t.org.setFaults({ seed: 1234, serverErrorRate: 0.5 })
      const statuses: number[] = []
      for (let i = 0; i < 16; i++) statuses.push((await createAccount(`S${i}`)).status)
      return statuses
    }
    const first = await run()
    expect(new Set(first)).toEqual(new Set([201, 500]))
    expect(await run()).toEqual(first)
  })

  test('latency delays every data call', async () => {
    t.org.setFaults({ latencyMs: 120 })
    const started = Date.now()
    await rep1.limits()
    expect(Date.now() - started).toBeGreaterThanOrEqual(110)
  })

  test('a dropped connection closes the socket without an answer', async () => {
    t.org.setFaults({ dropConnectionRate: 1 })
    await expect(createAccount('Dropped')).rejects.toThrow()
    t.org.setFaults({ dropConnectionRate: 0 })
    expect((await createAccount('After drop')).status).toBe(201)
  })

  test('the admin endpoint sets faults, and faults never touch admin routes', async () => {
    const put = await fetch(`${t.url}/__org/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serverErrorRate: 1, seed: 9 }),
    })
    expect(await put.json()).toMatchObject({ serverErrorRate: 1, seed: 9 })
    expect((await createAccount('Always 500')).status).toBe(500)
    expect((await fetch(`${t.url}/__org/faults`)).status).toBe(200)
    expect((await fetch(`${t.url}/__org/calls`)).status).toBe(200)
    const bad = await fetch(`${t.url}/__org/faults`, {
      method: 'PUT',
      body: JSON.stringify({ serverErrorRate: 2 }),
    })
    expect(bad.status).toBe(400)
  })
})

describe('call log', () => {
  test('records Salesforce calls with method, path, user, time and status; never admin calls', async () => {
    t.org.clearCalls()
    await rep1.sobject('Account').create({ Name: 'Logged' })
    await rep1.query('SELECT Id FROM Account LIMIT 1')
    await fetch(`${t.url}/__org/snapshot`)
    await t.fetch('/services/data/v62.0/limits')
    const calls = t.org.calls()
    expect(calls.map((c) => [c.method, c.path, c.user, c.status, c.counted])).toEqual([
      ['POST', '/services/data/v62.0/sobjects/Account', REP1, 201, true],
      ['GET', '/services/data/v62.0/query', REP1, 200, true],
      ['GET', '/services/data/v62.0/limits', null, 401, false],
    ])
    expect(calls[1]?.query).toBe('q=SELECT%20Id%20FROM%20Account%20LIMIT%201')
    expect(Date.parse(calls[0]?.at ?? '')).toBeGreaterThan(0)
    const viaHttp = (await (await fetch(`${t.url}/__org/calls`)).json()) as unknown[]
    expect(viaHttp).toHaveLength(3)
    await fetch(`${t.url}/__org/calls`, { method: 'DELETE' })
    expect(t.org.calls()).toEqual([])
  })
})
