import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFile, mkdtemp, rename } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The repository root. */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url))

const bundleScript = `${repoRoot}packages/elements/scripts/bundle.mjs`
const bundleFile = `${repoRoot}packages/elements/bundle/elements.js`
const siteScript = `${repoRoot}apps/demo/scripts/build.mjs`

/** A temporary name beside `file`, unique to this process (test files build in parallel). */
function temporary(file: string): string {
  return `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
}

/**
 * Builds what the server serves, as the root `build` does: the elements bundle (from the
 * sources; written beside its place and renamed over it, so test files building at once never
 * read a half-written file), then the demo site (page files, `demo.js`, the service worker) into
 * a new directory of its own, returned (the server's `--static-root`).
 */
export async function buildAssets(): Promise<string> {
  const bundleTemp = temporary(bundleFile)
  await run(process.execPath, [bundleScript, '--outfile', bundleTemp])
  await rename(bundleTemp, bundleFile)
  await rename(`${bundleTemp}.map`, `${bundleFile}.map`)
  const site = await mkdtemp(join(tmpdir(), 'briefcase-site-'))
  await run(process.execPath, [siteScript, '--outdir', site])
  return site
}

/**
 * "Deploys" a new version of the site in `site`: appends `marker` to the demo's CSS and rebuilds
 * the service worker over it (its precache manifest changes with the file's hash).
 */
export async function deployNewVersion(site: string, marker: string): Promise<void> {
  await appendFile(join(site, 'demo.css'), `\n/* ${marker} */\n`)
  await run(process.execPath, [siteScript, '--outdir', site, '--service-worker-only'])
}
