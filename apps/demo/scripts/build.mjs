// Builds the demo site, `dist/site/`, everything the server serves for the demo app:
// - the page files of `public/` (HTML, CSS, the web app manifest, icons),
// - `elements.js` (+ map), copied from the elements bundle (`packages/elements/bundle/`, built
//   first by the root `build`),
// - `demo.js`, the page's script, bundled with Workbox's page library (`workbox-window`),
// - `sw.js`, the service worker, bundled from `sw/service-worker.ts`, with Workbox's
//   `injectManifest` writing in every other file of the site with its content hash (a changed
//   file makes a new service worker, which the page offers as a new version).
// Flags: `--outdir <dir>` (default dist/site); `--service-worker-only` rebuilds only `sw.js` over
// the files already in the directory (a test "deploys" a changed file that way).
import { build } from 'esbuild'
import { copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { injectManifest } from 'workbox-build'

const root = fileURLToPath(new URL('..', import.meta.url))
const bundleDir = resolve(root, '../../packages/elements/bundle')
const outdirFlag = process.argv.indexOf('--outdir')
const outdir = resolve(root, outdirFlag === -1 ? 'dist/site' : process.argv[outdirFlag + 1])

/** esbuild options shared by the page script and the service worker. */
const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['@briefcase/source'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
}

async function buildServiceWorker() {
  const temp = await mkdtemp(join(tmpdir(), 'briefcase-sw-'))
  try {
    const swSrc = join(temp, 'sw.js')
    await build({
      ...common,
      entryPoints: ['sw/service-worker.ts'],
      outfile: swSrc,
      format: 'iife',
    })
    const { count, size, warnings } = await injectManifest({
      swSrc,
      swDest: join(outdir, 'sw.js'),
      globDirectory: outdir,
      globPatterns: ['**/*.{html,js,css,webmanifest,png,svg}'],
      globIgnores: ['sw.js'],
      // `/` is the app page (`index.html`), as the server serves it.
      manifestTransforms: [
        async (entries) => ({
          manifest: entries.map((e) => (e.url === 'index.html' ? { ...e, url: '/' } : e)),
          warnings: [],
        }),
      ],
    })
    for (const warning of warnings) console.warn(warning)
    return { count, size }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

if (!process.argv.includes('--service-worker-only')) {
  await mkdir(outdir, { recursive: true })
  await cp(join(root, 'public'), outdir, { recursive: true })
  await copyFile(join(bundleDir, 'elements.js'), join(outdir, 'elements.js'))
  await copyFile(join(bundleDir, 'elements.js.map'), join(outdir, 'elements.js.map'))
  await build({ ...common, entryPoints: ['src/demo.ts'], outfile: join(outdir, 'demo.js') })
}
await buildServiceWorker()
