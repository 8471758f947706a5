import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestRelay } from '../testing/test-relay.js'
import { startTestRelay } from '../testing/test-relay.js'

// What people expect of an HTTP server: request logs with pino's standard fields, process
// metrics, a protected /metrics, 405 with Allow, WWW-Authenticate on 401.

const lines: Record<string, unknown>[] = []
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>)
    done()
  },
})
let t: TestRelay

beforeAll(async () => {
  t = await startTestRelay({
    relay: { logger: pino({ level: 'debug' }, sink), metricsToken: 'scrape-secret' },
  })
})
afterAll(async () => {
  await t?.close()
})

describe('the relay as an HTTP server', () => {
  it('logs each request once with req, res, responseTime and its request id, and no secrets', async () => {
    const res = await fetch(`${t.url}/auth/session?token=query-secret`, {
      headers: { authorization: 'Bearer header-secret', 'x-request-id': 'trace-42' },
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('x-request-id')).toBe('trace-42')
    await new Promise((resolve) => setImmediate(resolve))
    const entries = lines.filter((l) => l.reqId === 'trace-42' && 'responseTime' in l)
    expect(entries).toHaveLength(1)
    const [entry] = entries
    expect(entry).toMatchObject({
      level: 30,
      msg: 'request',
      req: { method: 'GET', url: '/auth/session' },
      res: { status: 401 },
    })
    expect(typeof entry?.responseTime).toBe('number')
    expect(JSON.stringify(lines)).not.toMatch(/header-secret|query-secret/)
  })

  it('answers 401 with WWW-Authenticate', async () => {
    const res = await fetch(`${t.url}/auth/session`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="briefcase"')
  })

  it('answers a known path with a wrong method 405 with Allow, in the error shape', async () => {
    const res = await fetch(`${t.url}/auth/session`, { method: 'POST' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    expect(await res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "BRIEFCASE_METHOD_NOT_ALLOWED",
          "message": "POST is not allowed on /auth/session; use GET, HEAD.",
        },
      }
    `)
    expect((await fetch(`${t.url}/no/such/route`, { method: 'POST' })).status).toBe(404)
  })

  it('serves /metrics, with process metrics, only with its bearer token', async () => {
    const open = await fetch(`${t.url}/metrics`)
    expect(open.status).toBe(401)
    expect(open.headers.get('www-authenticate')).toBe('Bearer realm="briefcase"')
    const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(401)
    const res = await fetch(`${t.url}/metrics`, {
      headers: { authorization: 'Bearer scrape-secret' },
    })
    expect(res.status).toBe(200)
    const text = await res.text()
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'briefcase_http_requests_total',
    ])
      expect(text, name).toContain(`# TYPE ${name}`)
  })
})
