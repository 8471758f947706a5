import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'

/**
 * Bundles a crash test's child process once per run (a plain `node` start is ~10x faster than
 * transpiling on start), with its native and optional dependencies left to resolve at run time.
 */
export async function bundleChild(entry: string, outfile: string): Promise<void> {
  const require = createRequire(createRequire(import.meta.url).resolve('tsx'))
  const esbuild = require('esbuild') as {
    build(options: Record<string, unknown>): Promise<unknown>
  }
  mkdirSync(dirname(outfile), { recursive: true })
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@briefcase/source'],
    external: ['better-sqlite3', '@automerge/automerge', 'bufferutil', 'utf-8-validate'],
    outfile,
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'error',
  })
}
