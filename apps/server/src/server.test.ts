import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { signInDevice } from '@briefcase/relay/testing'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import type { ServerConfig } from './config.js'
import { readConfig } from './config.js'
import { freePort } from '@briefcase/relay/testing'
import { startServer } from './server.js'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'briefcase-server-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
  delete process.env[name]

describe('readConfig', () => {
  it('takes flags over environment over defaults', () => {
    const config = readConfig(
      ['--port', '0', '--host=0.0.0.0'],
      { PORT: '5000', LOG_LEVEL: 'warn' },
      repoRoot,
    )
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      logLevel: 'warn',
      org: { kind: 'embedded' },
    })
    expect((config as ServerConfig).dataDir).toMatch(/\.data$/)
    expect(readConfig([], { PORT: '5000' }, repoRoot)).toMatchObject({
      port: 5000,
      host: '127.0.0.1',
    })
    expect(readConfig(['--help'], {}, repoRoot)).toBe('help')
    expect(readConfig(['-h'], {}, repoRoot)).toBe('help')
    expect(readConfig(['--version'], {}, repoRoot)).toBe('version')
    expect((config as ServerConfig).metricsToken).toBeUndefined()
    expect(readConfig([], { BRIEFCASE_METRICS_TOKEN: 'env-token' }, repoRoot)).toMatchObject({
      metricsToken: 'env-token',
    })
    expect(
      readConfig(['--metrics-token', 'flag-token'], { BRIEFCASE_METRICS_TOKEN: 'x' }, repoRoot),
    ).toMatchObject({ metricsToken: 'flag-token' })
  })

  it('needs a client id and secret for a real org, and a valid port', () => {
    expect(() => readConfig(['--org-url', 'https://login.salesforce.com'], {}, repoRoot)).toThrow(
      /SALESFORCE_CLIENT_ID/,
    )
    expect(
      readConfig(
        [],
        {
          SALESFORCE_LOGIN_URL: 'https://example.my.salesforce.com/',
          SALESFORCE_CLIENT_ID: 'id',
          SALESFORCE_CLIENT_SECRET: 'secret',
        },
        repoRoot,
      ),
    ).toMatchObject({
      org: { kind: 'external', loginUrl: 'https://example.my.salesforce.com', clientId: 'id' },
    })
    expect(() => readConfig(['--port', '99999'], {}, repoRoot)).toThrow(/port/)
  })

  it('joins relays through Redis only with a redis:// URL and a session secret shared by config', () => {
    expect(readConfig([], {}, repoRoot)).toMatchObject({ redis: undefined })
    const secret = { BRIEFCASE_SESSION_SECRET: 'a-secret-shared-by-the-relays' }
    expect(
      readConfig(['--redis', 'redis://127.0.0.1:6390'], { ...secret }, repoRoot),
    ).toMatchObject({ redis: { url: 'redis://127.0.0.1:6390', prefix: 'briefcase:' } })
    expect(
      readConfig(
        [],
        { ...secret, BRIEFCASE_REDIS_URL: 'redis://r:6379', BRIEFCASE_REDIS_PREFIX: 'p:' },
        repoRoot,
      ),
    ).toMatchObject({ redis: { url: 'redis://r:6379', prefix: 'p:' } })
    expect(() => readConfig(['--redis', 'redis://127.0.0.1:6390'], {}, repoRoot)).toThrow(
      /BRIEFCASE_SESSION_SECRET/,
    )
    expect(() => readConfig(['--redis', 'http://x'], { ...secret }, repoRoot)).toThrow(/redis:\/\//)
  })

  it('captures the offline edit time on the embedded org by default, and as configured elsewhere', () => {
    expect((readConfig([], {}, repoRoot) as ServerConfig).capture).toEqual({
      Account: { Briefcase_Edited_At__c: 'deviceEditedAt' },
      Site_Visit__c: { Briefcase_Edited_At__c: 'deviceEditedAt' },
    })
    const real = {
      SALESFORCE_LOGIN_URL: 'https://example.my.salesforce.com',
      SALESFORCE_CLIENT_ID: 'id',
      SALESFORCE_CLIENT_SECRET: 'secret',
    }
    expect((readConfig([], real, repoRoot) as ServerConfig).capture).toEqual({})
    const configured = readConfig(
      ['--capture', 'Case.Edited_On_Device__c=deviceId, Case.Edited_At__c=deviceEditedAt'],
      real,
      repoRoot,
    ) as ServerConfig
    expect(configured.capture).toEqual({
      Case: { Edited_On_Device__c: 'deviceId', Edited_At__c: 'deviceEditedAt' },
    })
    expect(() => readConfig(['--capture', 'Case.Name=deviceId'], {}, repoRoot)).toThrow(
      /--capture takes/,
    )
    expect(() => readConfig(['--capture', 'Case.X__c=color'], {}, repoRoot)).toThrow(
      /--capture takes/,
    )
  })

  it('reads the briefcase filters from a JSON file, and refuses one that is not a list of filters', () => {
    expect((readConfig([], {}, repoRoot) as ServerConfig).briefcaseFilters).toBeUndefined()
    const filter = { id: 'all', label: 'All Accounts', sobject: 'Account', where: 'Name != null' }
    const file = join(dir, 'filters.json')
    writeFileSync(file, JSON.stringify([{ ...filter, limit: 10000 }]))
    expect(readConfig(['--briefcase-filters', file], {}, repoRoot)).toMatchObject({
      briefcaseFilters: [{ ...filter, limit: 10000 }],
    })
    expect(readConfig([], { BRIEFCASE_FILTERS_FILE: file }, repoRoot)).toMatchObject({
      briefcaseFilters: [filter],
    })
    writeFileSync(file, JSON.stringify([{ id: 'all', sobject: 'Account' }]))
    expect(() => readConfig(['--briefcase-filters', file], {}, repoRoot)).toThrow(
      /--briefcase-filters takes/,
    )
  })
})

describe('startServer', () => {
  it('serves relay, embedded org and demo on one port, and keeps sign-ins across a restart', async () => {
    const site = join(dir, 'site')
    mkdirSync(site)
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Demo</title>')
    const config = readConfig(
      ['--port', '0', '--data-dir', join(dir, 'data'), '--static-root', site],
      {},
      repoRoot,
    ) as ServerConfig
    const logger = pino({ level: 'silent' })
    const first = await startServer(config, logger)
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(first.port).toBeGreaterThan(0)
    const versions = await fetch(`${first.url}/services/data/`)
    expect(versions.status).toBe(200)
    const metrics = await (await fetch(`${first.url}/metrics`)).text()
    expect(metrics).toContain('briefcase_bulk_requests_total')
    const page = await fetch(`${first.url}/`)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toBe('<!doctype html><title>Demo</title>')
    const token = await signInDevice({
      relayUrl: first.url,
      username: 'manager@briefcase.test',
      password: 'manager-password',
      device: 'laptop',
    })
    await first.close()

    const second = await startServer({ ...config, port: first.port }, logger)
    const res = await fetch(`${second.url}/auth/session`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { user: { username: string } }).user.username).toBe(
      'manager@briefcase.test',
    )
    await second.close()
  })

  it('prints its version and its usage (with how to pass flags through npm start)', () => {
    const main = (flag: string): string =>
      execFileSync(
        process.execPath,
        ['--import', 'tsx', '--conditions=@briefcase/source', 'apps/server/src/main.ts', flag],
        { cwd: repoRoot, encoding: 'utf8' },
      )
    const { version } = JSON.parse(
      readFileSync(join(repoRoot, 'apps/server/package.json'), 'utf8'),
    ) as { version: string }
    expect(main('--version').trim()).toBe(version)
    const usage = main('-h')
    expect(usage).toContain('Usage: node apps/server/dist/main.js [options]')
    expect(usage).toContain('npm start -- --port 5000')
  }, 30_000)

  it('refuses to start when Redis does not answer: BRIEFCASE_REDIS_UNREACHABLE naming the URL, exit 1', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@briefcase/source', 'apps/server/src/main.ts'].concat([
        '--port',
        '0',
        '--data-dir',
        join(dir, 'no-redis'),
        '--redis',
        url,
      ]),
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, BRIEFCASE_SESSION_SECRET: 'a-secret-shared-by-the-relays' },
      },
    )
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(err).toContain('BRIEFCASE_REDIS_UNREACHABLE')
    expect(err).toContain(url)
  }, 30_000)

  it('starts as a child process on port 0 and prints its URL and the seeded sign-ins', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@briefcase/source',
        'apps/server/src/main.ts',
        '--port',
        '0',
        '--data-dir',
        join(dir, 'child'),
        '--log-level',
        'warn',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL in time: ${out}`)), 20_000)
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const m = /running at (http:\/\/\S+)/.exec(out)
        if (m && out.includes('manager@briefcase.test')) {
          clearTimeout(timer)
          resolve(m[1] as string)
        }
      })
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
    })
    expect(out).toContain('rep1@briefcase.test / rep1-password')
    const res = await fetch(`${url}/auth/session`)
    expect(res.status).toBe(401)
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    )
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 30_000)
})
