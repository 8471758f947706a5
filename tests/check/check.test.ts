import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../vitest.config.js'

// scripts/check.mjs (`npm test`) run for real on tiny workspaces: the repository's check and
// pnpm scripts, a package.json whose lint and typecheck pass, the repository's node_modules
// (vitest, its Playwright provider), and a vitest config of a Node and a Chromium project.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const made: string[] = []
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

const PASSING = `import { expect, test } from 'vitest'\ntest('adds', () => expect(1 + 1).toBe(2))\n`
const FAILING = `import { expect, test } from 'vitest'\ntest('adds wrong', () => expect(1 + 1).toBe(3))\n`
const IN_BROWSER = `import { expect, test } from 'vitest'\ntest('has a document', () => expect(typeof document.createElement).toBe('function'))\n`

// Each fixture keeps vite's cache in its own folder: by default it lives in node_modules/.vite,
// and node_modules is the repository's, so fixtures running side by side (and the repository's own
// browser project) would re-optimize and wipe one another's dependencies mid-run.
const CONFIG = `import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
export default defineConfig({ cacheDir: '.vite-cache', test: { projects: [
  { cacheDir: '.vite-cache', test: { name: 'node', include: ['node/*.test.mjs'] } },
  { cacheDir: '.vite-cache', test: { name: 'browser', include: ['browser/*.test.mjs'], browser: { enabled: true,
    headless: true, screenshotFailures: false, instances: [{ browser: 'chromium' }],
    provider: playwright({ launchOptions: { executablePath: process.env.CHROMIUM_PATH,
      args: ${JSON.stringify(chromiumArgs)} } }) } } },
] } })
`

/** A workspace with these test files (`node/…`, `browser/…`). */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'briefcase-check-'))
  made.push(dir)
  mkdirSync(join(dir, 'scripts'))
  mkdirSync(join(dir, 'node'))
  mkdirSync(join(dir, 'browser'))
  for (const script of ['check.mjs', 'pnpm.mjs'])
    copyFileSync(join(repoRoot, 'scripts', script), join(dir, 'scripts', script))
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir')
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'check-fixture',
      private: true,
      type: 'module',
      packageManager: 'pnpm@10.34.9',
      scripts: { lint: 'node -e ""', typecheck: 'node -e ""' },
    }),
  )
  writeFileSync(join(dir, 'vitest.config.mjs'), CONFIG)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

const SUMMARY = /^[0-9]+ passed, [0-9]+ failed$/

/**
 * Runs `node scripts/check.mjs` in `dir`: its exit status, output and summary, read as `.ci/run`
 * reads it (the last line that is exactly `N passed, N failed`; a helper process of vite's may
 * still print a log line after it).
 */
function check(
  dir: string,
  chromium: string,
): Promise<{ status: number; out: string; last: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['scripts/check.mjs'],
      { cwd: dir, env: { ...process.env, CHROMIUM_PATH: chromium }, timeout: 150_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        const last = stdout.split('\n').findLast((line) => SUMMARY.test(line)) ?? ''
        resolve({ status, out: `${stdout}${stderr}`, last })
      },
    )
  })
}

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

// The runs are mostly waiting for pnpm and vitest to start: they run side by side.
describe.concurrent('npm test (scripts/check.mjs)', () => {
  it('is green when lint, typecheck and the Node and browser tests all pass', async () => {
    const dir = workspace({ 'node/a.test.mjs': PASSING, 'browser/b.test.mjs': IN_BROWSER })
    const r = await check(dir, chromium)
    expect(r.last, r.out).toBe('4 passed, 0 failed')
    expect(r.status).toBe(0)
  }, 200_000)

  it('is red when a vitest test fails', async () => {
    const dir = workspace({ 'node/a.test.mjs': PASSING, 'node/b.test.mjs': FAILING })
    const r = await check(dir, chromium)
    expect(r.last, r.out).toBe('3 passed, 1 failed')
    expect(r.status).toBe(1)
  }, 200_000)

  it('is red when the browser does not start: its test files did not run', async () => {
    const dir = workspace({ 'node/a.test.mjs': PASSING, 'browser/b.test.mjs': IN_BROWSER })
    // There is a file at the path, but it is no browser: vitest cannot launch it.
    const broken = join(dir, 'not-chromium')
    writeFileSync(broken, '#!/bin/sh\nexit 1\n', { mode: 0o755 })
    const r = await check(dir, broken)
    expect(r.out).toContain(`✗ did not run: ${join(dir, 'browser/b.test.mjs')}`)
    expect(r.last, r.out).toBe('3 passed, 1 failed')
    expect(r.status).toBe(1)
  }, 200_000)

  it('stops at once with one line saying what to install when there is no browser', async () => {
    const dir = workspace({ 'node/a.test.mjs': PASSING })
    const r = await check(dir, join(dir, 'no-such-chromium'))
    expect(r.out).toMatchInlineSnapshot(`
      "npm test needs Chromium at ${join(dir, 'no-such-chromium')} for the browser tests: install Debian's chromium (sudo apt-get install chromium), or set CHROMIUM_PATH to a Chromium executable.
      0 passed, 1 failed
      "
    `)
    expect(r.status).toBe(1)
  })
})
