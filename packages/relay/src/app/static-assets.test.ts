import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestRelay } from '../testing/test-relay.js'
import { startTestRelay } from '../testing/test-relay.js'

const PAGE = 'http://127.0.0.1:5173'
const dir = mkdtempSync(join(tmpdir(), 'briefcase-assets-'))
let t: TestRelay

beforeAll(async () => {
  mkdirSync(join(dir, 'chunks'))
  writeFileSync(join(dir, 'elements.js'), 'import "./chunks/chunk-7QJHW2LB.js"\n')
  writeFileSync(join(dir, 'chunks', 'chunk-7QJHW2LB.js'), 'export const x = 1\n')
  writeFileSync(join(dir, 'secret.txt.bak'), 'not linked')
  const demo = join(dir, 'demo-script.js')
  writeFileSync(demo, 'console.log(1)\n')
  t = await startTestRelay({
    relay: {
      returnOrigins: [PAGE],
      assets: [{ dir: join(dir) }, { path: '/demo.js', file: demo }],
    },
  })
})
afterAll(async () => {
  await t?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A module script request as Chromium sends it from a page on `origin`. */
function moduleScript(path: string, origin: string, headers: Record<string, string> = {}) {
  return fetch(`${t.url}${path}`, {
    headers: { origin, 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'script', ...headers },
  })
}

describe('static assets', () => {
  it('load as module scripts from a return origin, revalidated by ETag', async () => {
    const res = await moduleScript('/elements.js', PAGE)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const tag = res.headers.get('etag')
    expect(tag).toMatch(/^"[0-9a-f]{40}"$/)
    expect(await res.text()).toContain('chunk-7QJHW2LB.js')

    const again = await moduleScript('/elements.js', PAGE, { 'if-none-match': tag ?? '' })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(tag)
    expect(again.headers.get('access-control-allow-origin')).toBe(PAGE)
    expect(await again.text()).toBe('')
  })

  it('serve content-hashed chunks as immutable', async () => {
    const res = await moduleScript('/chunks/chunk-7QJHW2LB.js', PAGE)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE)
  })

  it('serve a single file at its path', async () => {
    const res = await fetch(`${t.url}/demo.js`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('console.log(1)\n')
    expect((await fetch(`${t.url}/demo-script.js`)).status).toBe(200)
  })

  it('load from any other origin too (public files), while the API stays closed to it', async () => {
    const res = await moduleScript('/elements.js', 'http://localhost:5173')
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const api = await fetch(`${t.url}/auth/session`, {
      headers: { origin: 'http://localhost:5173' },
    })
    expect(api.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('never leave their directory, and what is not there is the JSON 404', async () => {
    for (const path of [
      '/%2e%2e/%2e%2e/etc/passwd',
      '/chunks/..%2f..%2fetc/passwd',
      '/nothing.js',
    ]) {
      const res = await fetch(`${t.url}${path}`)
      expect(res.status, path).toBe(404)
      expect(await res.json(), path).toMatchObject({ error: { code: 'BRIEFCASE_NOT_FOUND' } })
    }
  })

  it('leave API answers alone (no ETag on a route)', async () => {
    const res = await fetch(`${t.url}/auth/session`, { headers: { origin: PAGE } })
    expect(res.status).toBe(401)
    expect(res.headers.get('etag')).toBeNull()
  })
})

describe('a sign-in from an origin the relay does not allow', () => {
  const login = `/auth/login?device=d1&return=${encodeURIComponent('http://localhost:5173/app.html')}`

  it('ends on a page that says which origin to add, with a way back', async () => {
    const res = await fetch(`${t.url}${login}`, {
      headers: { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' },
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await res.text()
    expect(page).toContain(
      'add http://localhost:5173 to its return origins (`--return-origin http://localhost:5173` of the server)',
    )
    expect(page).toContain('<code>BRIEFCASE_BAD_REQUEST</code>')
    expect(page).not.toContain('<script')
    expect(page).toContain('<a href="http://localhost:5173/app.html">Back to the page</a>')
  })

  it('is the JSON error for a script', async () => {
    const res = await fetch(`${t.url}${login}`)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "BRIEFCASE_BAD_REQUEST",
          "message": "This relay does not let sign-in return to http://localhost:5173: add http://localhost:5173 to its return origins (\`--return-origin http://localhost:5173\` of the server).",
        },
      }
    `)
  })
})
