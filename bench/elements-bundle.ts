// What does a page download to run the elements: the size of `/elements.js` (raw and gzip) and
// what it is made of, by package. Builds the bundle with a metafile first.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = fileURLToPath(new URL('..', import.meta.url))
const bundle = `${root}packages/elements/bundle/elements.js`
execFileSync(process.execPath, [`${root}packages/elements/scripts/bundle.mjs`, '--metafile'])

const code = readFileSync(bundle)
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} kB`
const meta = JSON.parse(readFileSync(`${root}packages/elements/bundle/meta.json`, 'utf8')) as {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>
}
const inputs = meta.outputs['bundle/elements.js']?.inputs ?? {}

/** The package an input belongs to: its node_modules package, or the workspace package. */
function owner(path: string): string {
  const inModules = path.split('node_modules/').pop() ?? path
  if (inModules !== path) {
    const parts = inModules.split('/')
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path)
  }
  const workspace = /^(?:\.\.\/)*(?:packages\/)?([a-z-]+)\/src\//.exec(path)
  if (path.startsWith('src/')) return '@briefcase/elements'
  return workspace ? `@briefcase/${workspace[1]}` : path
}

const byOwner = new Map<string, number>()
for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
  byOwner.set(owner(path), (byOwner.get(owner(path)) ?? 0) + bytesInOutput)
}
const total = [...byOwner.values()].reduce((a, b) => a + b, 0)

console.log(`/elements.js: ${kb(code.length)} minified, ${kb(gzipSync(code).length)} gzip`)
console.log('| package | minified | share |')
console.log('| --- | --- | --- |')
for (const [name, bytes] of [...byOwner].sort((a, b) => b[1] - a[1])) {
  console.log(`| ${name} | ${kb(bytes)} | ${((bytes / total) * 100).toFixed(0)}% |`)
}
