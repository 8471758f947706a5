// `npm test`: lint, typecheck and every vitest project, then one plain summary line
// `N passed, N failed` counted from vitest's JSON report. Lint and typecheck count as one check
// each, so a red lint shows in the summary and in the exit code.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const report = '.vitest/results.json'
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
const run = (label, args) => {
  console.log(`\n▶ ${label}: pnpm ${args.join(' ')}`)
  const started = Date.now()
  const r = spawnSync(process.execPath, ['scripts/pnpm.mjs', ...args], { stdio: 'inherit', env })
  console.log(
    `◀ ${label}: ${r.status === 0 ? 'ok' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
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
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests
  // A file that fails to load has no tests in the count: count it as a failure.
  failed += r.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length
} else if (!vitestOk) {
  failed += 1
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
