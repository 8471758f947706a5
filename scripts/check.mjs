// `npm test`: makes sure Chromium is there for the browser tests, then lint, typecheck and every
// vitest project, then one plain summary line `N passed, N failed`.
//
// Honest by construction:
// - no Chromium at CHROMIUM_PATH (default Debian's /usr/bin/chromium): as root with apt, Debian's
//   `chromium` is installed (as .ci/run does); otherwise one line says what to install and the run
//   stops at once, red. It never reports green without the browser tests.
// - lint and typecheck count as one check each; any non-zero exit is a failure.
// - vitest's tests are counted from its JSON report; a test file that did not run (no test
//   results: it failed to load, or its browser never started) counts as failed, and a non-zero
//   exit of vitest that the report does not explain (an unhandled error) counts as one more.
//
// Environment: CHROMIUM_PATH (where the browser is; vitest.config.ts reads it too),
// CHECK_REPORT (vitest's JSON report, default .vitest/results.json).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const DEBIAN_CHROMIUM = '/usr/bin/chromium'
const chromium = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM
const report = process.env.CHECK_REPORT || '.vitest/results.json'
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }

/** Prints the summary line and exits with its verdict. */
function finish(passed, failed) {
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(failed === 0 ? 0 : 1)
}

/** Installs Debian's chromium with apt (root only); true when it is there afterwards. */
function installChromium() {
  const isRoot = process.getuid?.() === 0
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0
  if (chromium !== DEBIAN_CHROMIUM || !isRoot || !hasApt) return false
  console.log(`\n▶ browser: installing Debian's chromium (apt-get install chromium)`)
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    if (spawnSync('apt-get', args, { stdio: 'inherit', env: aptEnv }).status !== 0) return false
  }
  return existsSync(chromium)
}

if (!existsSync(chromium) && !installChromium()) {
  console.log(
    `npm test needs Chromium at ${chromium} for the browser tests: install Debian's chromium ` +
      `(sudo apt-get install chromium), or set CHROMIUM_PATH to a Chromium executable.`,
  )
  finish(0, 1)
}

/** Runs `pnpm <args>`; true when it exits 0. */
function run(label, args) {
  console.log(`\n▶ ${label}: pnpm ${args.join(' ')}`)
  const started = Date.now()
  const r = spawnSync(process.execPath, ['scripts/pnpm.mjs', ...args], { stdio: 'inherit', env })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  console.log(`◀ ${label}: ${r.status === 0 ? 'ok' : `failed (exit ${r.status})`} in ${seconds} s`)
  return r.status === 0
}

let passed = 0
let failed = 0
for (const [label, args] of [
  ['lint', ['run', 'lint']],
  ['typecheck', ['run', 'typecheck']],
]) {
  if (run(label, args)) passed += 1
  else failed += 1
}

rmSync(report, { force: true })
const vitestOk = run('tests', [
  'exec',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
])
let explained = 0
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests
  explained += r.numFailedTests
  const notRun = r.testResults.filter((f) => f.assertionResults.length === 0)
  for (const f of notRun) console.log(`✗ did not run: ${f.name}`)
  failed += notRun.length
  explained += notRun.length
}
if (!vitestOk && explained === 0) {
  console.log('✗ vitest exited non-zero with no failed test in its report (see its output above)')
  failed += 1
}
finish(passed, failed)
