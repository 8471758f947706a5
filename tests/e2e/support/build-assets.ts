import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import ts from 'typescript'

const run = promisify(execFile)

/** The repository root. */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url))

const bundleScript = `${repoRoot}packages/elements/scripts/bundle.mjs`
const bundleFile = `${repoRoot}packages/elements/bundle/elements.js`
const demoSource = `${repoRoot}apps/demo/src/demo.ts`
const demoFile = `${repoRoot}apps/demo/dist/demo.js`

/** A temporary name beside `file`, unique to this process (test files build in parallel). */
function temporary(file: string): string {
  return `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
}

async function mtime(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs
  } catch {
    return 0
  }
}

/**
 * Builds what the server serves and `tsc -b` does not: the elements bundle (always, from the
 * sources, as the root `build` does) and the demo script when its `tsc -b` output is missing or
 * older than its source. Each file is written beside its place and renamed over it, so test files
 * building at once never serve a half-written file.
 */
export async function buildAssets(): Promise<void> {
  const bundleTemp = temporary(bundleFile)
  await run(process.execPath, [bundleScript, '--outfile', bundleTemp])
  await rename(bundleTemp, bundleFile)
  await rename(`${bundleTemp}.map`, `${bundleFile}.map`)
  if ((await mtime(demoFile)) < (await mtime(demoSource))) {
    const demoTemp = temporary(demoFile)
    await mkdir(`${repoRoot}apps/demo/dist`, { recursive: true })
    const { outputText } = ts.transpileModule(await readFile(demoSource, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    })
    await writeFile(demoTemp, outputText)
    await rename(demoTemp, demoFile)
  }
}
