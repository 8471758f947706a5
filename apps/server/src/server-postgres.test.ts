import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkPostgres, signInDevice, testPostgresUrl, testSchemas } from '@briefcase/relay/testing'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import type { ServerConfig } from './config.js'
import { readConfig } from './config.js'
import { startServer } from './server.js'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'briefcase-server-pg-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
  delete process.env[name]

const postgres = await checkPostgres()
const schemas = testSchemas()
afterAll(() => schemas.dropAll())

const SECRET = { BRIEFCASE_SESSION_SECRET: 'a-secret-shared-by-the-relays' }

describe('--store', () => {
  it('selects PostgreSQL by flag or BRIEFCASE_STORE_URL, SQLite without, and refuses other URLs', () => {
    const url = 'postgres://relay:pw@db.example:5432/relay'
    expect(readConfig([], {}, repoRoot)).toMatchObject({ store: { kind: 'sqlite' } })
    // Relays sharing the store share the session secret: without it, a clear refusal.
    expect(() => readConfig(['--store', url], {}, repoRoot)).toThrow(/BRIEFCASE_SESSION_SECRET/)
    expect(readConfig(['--store', url], SECRET, repoRoot)).toMatchObject({
      store: { kind: 'postgres', url, schema: 'public' },
    })
    expect(
      readConfig(
        [],
        { ...SECRET, BRIEFCASE_STORE_URL: url, BRIEFCASE_STORE_SCHEMA: 'relay_a' },
        repoRoot,
      ),
    ).toMatchObject({ store: { kind: 'postgres', url, schema: 'relay_a' } })
    expect(() => readConfig(['--store', 'mysql://x/y'], {}, repoRoot)).toThrow(/postgres:\/\//)
    expect(() => readConfig(['--store-schema', 'x'], {}, repoRoot)).toThrow(/needs --store/)
    expect(() =>
      readConfig(['--store', url, '--store-schema', 'Bad-Name'], SECRET, repoRoot),
    ).toThrow(/lower-case/)
  })

  it('exits non-zero with BRIEFCASE_STORE_UNREACHABLE, naming the URL without its password', async () => {
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
        join(dir, 'unreachable'),
        '--store',
        'postgres://relay:s3cret@127.0.0.1:1/relay',
      ],
      { cwd: repoRoot, env: { ...process.env, ...SECRET }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let err = ''
    let out = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(err.trim()).toMatch(
      /^BRIEFCASE_STORE_UNREACHABLE: PostgreSQL at postgres:\/\/relay:\*\*\*@127\.0\.0\.1:1\/relay does not answer: connect ECONNREFUSED/,
    )
    expect(err + out).not.toContain('s3cret')
    expect(out).not.toContain('running at')
  }, 30_000)
})

describe.skipIf(!postgres.available)(postgres.title('startServer on PostgreSQL'), () => {
  it('keeps the relay’s state in the schema it is given: a sign-in survives a restart', async () => {
    const database = await schemas.open()
    const config = readConfig(
      [
        '--port',
        '0',
        '--data-dir',
        join(dir, 'data'),
        '--store',
        testPostgresUrl(),
        '--store-schema',
        database.schema,
      ],
      SECRET,
      repoRoot,
    ) as ServerConfig
    const logger = pino({ level: 'silent' })
    const first = await startServer(config, logger)
    const token = await signInDevice({
      relayUrl: first.url,
      username: 'rep1@briefcase.test',
      password: 'rep1-password',
      device: 'phone',
    })
    await first.close()
    const sessions = await database.query<{ user_id: string }>('SELECT user_id FROM relay_session')
    expect(sessions).toHaveLength(1)
    const second = await startServer({ ...config, port: first.port }, logger)
    const res = await fetch(`${second.url}/auth/session`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    await second.close()
  })
})
