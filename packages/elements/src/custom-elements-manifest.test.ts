import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('..', import.meta.url))

test('custom-elements.json is current (regenerate: pnpm --filter @briefcase/elements manifest)', async () => {
  const outdir = await mkdtemp(join(tmpdir(), 'briefcase-cem-'))
  try {
    const cli = join(packageDir, 'node_modules/@custom-elements-manifest/analyzer/cem.js')
    // The analyzer joins `--outdir` to its working directory: pass it relative.
    await run(process.execPath, [cli, 'analyze', '--outdir', relative(packageDir, outdir)], {
      cwd: packageDir,
    })
    const fresh: unknown = JSON.parse(await readFile(join(outdir, 'custom-elements.json'), 'utf8'))
    const checkedIn: unknown = JSON.parse(
      await readFile(join(packageDir, 'custom-elements.json'), 'utf8'),
    )
    expect(checkedIn).toEqual(fresh)
  } finally {
    await rm(outdir, { recursive: true, force: true })
  }
}, 60_000)

test('every element documents its parts, custom properties and a summary', async () => {
  const manifest = JSON.parse(await readFile(join(packageDir, 'custom-elements.json'), 'utf8')) as {
    modules: { declarations?: { tagName?: string; summary?: string; cssParts?: unknown[] }[] }[]
  }
  const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName)
  expect(elements.map((e) => e.tagName).sort()).toEqual([
    'briefcase-cache',
    'briefcase-create',
    'briefcase-long-text',
    'briefcase-lookup',
    'briefcase-offline-switch',
    'briefcase-pending',
    'briefcase-preferences',
    'briefcase-record',
    'briefcase-session',
    'briefcase-status',
  ])
  for (const element of elements) {
    // Each element's `@summary` reaches the manifest (a short phrase, not an empty tag).
    expect(element.summary, element.tagName).toMatch(/^\S.{5,}/)
    expect(element.cssParts?.length, element.tagName).toBeGreaterThan(0)
  }
})

test('the manifest points into the published files (dist/), each built from a source file', async () => {
  const text = await readFile(join(packageDir, 'custom-elements.json'), 'utf8')
  const paths = [...text.matchAll(/"(?:path|module)": "([^"]+)"/g)].map((m) => m[1] ?? '')
  expect(paths.length).toBeGreaterThan(10)
  for (const path of new Set(paths)) {
    expect(path).toMatch(/^dist\/[\w/-]+\.js$/)
    const source = await readFile(
      join(packageDir, path.replace(/^dist\/(.*)\.js$/, 'src/$1.ts')),
      'utf8',
    )
    expect(source, path).toMatch(/\bexport\b/)
  }
})
