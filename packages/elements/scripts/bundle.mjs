// Builds the self-contained script-tag bundle `bundle/elements.js`: the elements, Lit, the
// client, Yjs, y-indexeddb and y-websocket in one ES module. It bundles the workspace sources
// (the `@briefcase/source` condition), so it needs no `tsc -b` first. The Automerge engine is not
// in it: it is a separate entry of @briefcase/record (`@briefcase/record/automerge`) that the client
// never imports (it persists and syncs Yjs documents only).
// Flags: `--outfile <path>` (default bundle/elements.js, relative to the package), `--metafile`.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outfileFlag = process.argv.indexOf('--outfile')
const outfile = outfileFlag === -1 ? 'bundle/elements.js' : process.argv[outfileFlag + 1]

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['@briefcase/source'],
  minify: true,
  sourcemap: true,
  legalComments: 'eof',
  metafile: process.argv.includes('--metafile'),
  logLevel: 'warning',
})

if (result.metafile) {
  const { writeFile } = await import('node:fs/promises')
  await writeFile(`${root}/bundle/meta.json`, JSON.stringify(result.metafile))
}
