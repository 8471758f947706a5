// Runs the pnpm version pinned in package.json's "packageManager", fetched through npm, so a
// fresh machine needs only Node and npm. Arguments are passed through; the exit code is pnpm's.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const pinned = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).packageManager
const result = spawnSync(
  'npm',
  ['exec', '--yes', `--package=${pinned}`, '--', 'pnpm', ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, npm_config_update_notifier: 'false' } },
)
process.exit(result.status ?? 1)
