// Builds the self-contained script-tag bundle `bundle/elements.js`: the elements, Lit, the
// client, Yjs, y-indexeddb and y-websocket in one ES module. It bundles the workspace sources
// (the `@briefcase/source` condition), so it needs no `tsc -b` first. The Automerge engine of
// @briefcase/record is left out: the client only persists and syncs Yjs documents (a relay on the
// Automerge engine is refused with BRIEFCASE_UNSUPPORTED_ENGINE before any document opens).
// Flags: `--outfile <path>` (default bundle/elements.js, relative to the package), `--metafile`.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outfileFlag = process.argv.indexOf('--outfile')
const outfile = outfileFlag === -1 ? 'bundle/elements.js' : process.argv[outfileFlag + 1]

/** Resolves `@automerge/automerge` to an empty module. */
const withoutAutomerge = {
  name: 'without-automerge',
  setup(b) {
    b.onResolve({ filter: /^@automerge\/automerge(\/.*)?$/ }, (args) => ({
      path: args.path,
      namespace: 'without-automerge',
    }))
    b.onLoad({ filter: /.*/, namespace: 'without-automerge' }, () => ({
      contents: 'module.exports = {}',
      loader: 'js',
    }))
  },
}

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
  plugins: [withoutAutomerge],
  logLevel: 'warning',
})

if (result.metafile) {
  const { writeFile } = await import('node:fs/promises')
  await writeFile(`${root}/bundle/meta.json`, JSON.stringify(result.metafile))
}
