// Packs the four published packages with `pnpm pack`, installs the tarballs into an empty
// directory with npm (third-party dependencies from the registry) and uses them as a user would:
// each entry point imported from plain Node, the elements bundle loaded from a page in Chromium.
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs, chromiumPath } from '../../vitest.config.js'
import type { PackedPackage } from './support/pack.js'
import {
  buildIfMissing,
  catalogVersion,
  emptyProject,
  importInNode,
  npm,
  pack,
  publishedPackages,
} from './support/pack.js'

let workDir = ''
let project = ''
let packed: PackedPackage[] = []

beforeAll(async () => {
  await buildIfMissing()
  workDir = await mkdtemp(join(tmpdir(), 'briefcase-install-'))
  project = join(workDir, 'project')
  packed = await Promise.all(publishedPackages.map((folder) => pack(folder, workDir)))
  await mkdir(project)
  await emptyProject(project)
  await npm(project, ['install', ...packed.map(({ tarball }) => tarball)])
}, 240_000)

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true })
})

describe('the packed tarballs', () => {
  it('ship no test harnesses, contract suites, sources or build info', () => {
    for (const { folder, files } of packed) {
      expect(files, folder).toContain('package.json')
      expect(files.filter((file) => file.startsWith('dist/')).length, folder).toBeGreaterThan(0)
      const harnesses = files.filter(
        (file) =>
          /\.test\./.test(file) ||
          /(^|\/)testing\//.test(file) ||
          /contract/.test(file) ||
          /\.tsbuildinfo$/.test(file) ||
          file.startsWith('src/'),
      )
      expect(harnesses, folder).toEqual([])
    }
  })

  it('ship every file their exports maps point to (types first)', async () => {
    for (const { folder, files } of packed) {
      const manifest = JSON.parse(
        await readFile(join(project, 'node_modules/@briefcase', folder, 'package.json'), 'utf8'),
      ) as { exports: Record<string, string | Record<string, string>> }
      for (const [entry, target] of Object.entries(manifest.exports)) {
        // `@briefcase/source` is the workspace's own condition (sources, for vitest and esbuild).
        const conditions = typeof target === 'string' ? { default: target } : target
        const shipped = Object.entries(conditions).filter(([name]) => name !== '@briefcase/source')
        if (shipped.some(([name]) => name === 'types')) {
          expect(shipped[0]![0], `${folder} ${entry}`).toBe('types')
        }
        for (const [, path] of shipped) {
          expect(files, `${folder} ${entry}`).toContain(path.replace(/^\.\//, ''))
        }
      }
    }
  })

  it('give elements a custom-elements.json whose paths are in the tarball', async () => {
    const elements = packed.find(({ folder }) => folder === 'elements')!
    const manifest = JSON.parse(
      await readFile(
        join(project, 'node_modules/@briefcase/elements/custom-elements.json'),
        'utf8',
      ),
    ) as unknown
    const paths = new Set<string>()
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect)
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if ((key === 'path' || key === 'module') && typeof value === 'string') paths.add(value)
          else collect(value)
        }
      }
    }
    collect(manifest)
    expect(paths.size).toBeGreaterThan(0)
    const missing = [...paths].filter(
      (path) => !elements.files.includes(path.replace(/^\.?\//, '')),
    )
    expect(missing).toEqual([])
  })
})

describe('installed with npm into an empty directory', () => {
  it('installs the Yjs path without @automerge/automerge', () => {
    expect(existsSync(join(project, 'node_modules/@briefcase/record/package.json'))).toBe(true)
    expect(existsSync(join(project, 'node_modules/@automerge/automerge'))).toBe(false)
  })

  it.each([
    ['@briefcase/record', 'yjsEngine'],
    ['@briefcase/protocol', 'MAX_BULK_BYTES'],
    ['@briefcase/client', 'BriefcaseClientError'],
    ['@briefcase/elements', 'BriefcaseRecord'],
  ])('imports %s from plain Node', async (specifier, exportName) => {
    expect(await importInNode(project, specifier)).toContain(exportName)
  })

  it('imports @briefcase/record/automerge only once its optional peer is installed', async () => {
    await expect(importInNode(project, '@briefcase/record/automerge')).rejects.toThrow(
      /ERR_MODULE_NOT_FOUND[\s\S]*@automerge\/automerge|@automerge\/automerge[\s\S]*ERR_MODULE_NOT_FOUND/,
    )
    const version = await catalogVersion('@automerge/automerge')
    await npm(project, ['install', `@automerge/automerge@${version}`])
    expect(await importInNode(project, '@briefcase/record/automerge')).toContain('automergeEngine')
  }, 180_000)
})

describe('the elements bundle from the installed package', () => {
  it('defines every custom element of the manifest in Chromium', async () => {
    const bundle = createRequire(join(project, 'package.json')).resolve(
      '@briefcase/elements/elements.js',
    )
    const manifest = await readFile(
      join(project, 'node_modules/@briefcase/elements/custom-elements.json'),
      'utf8',
    )
    const tags = [...manifest.matchAll(/"tagName": "([^"]+)"/g)].map((match) => match[1]!)
    expect(tags.length).toBeGreaterThan(0)
    const page = `<!doctype html><script type="module" src="/elements.js"></script>`
    const server = createServer((request, response) => {
      if (request.url === '/elements.js') {
        void readFile(bundle).then((body) => {
          response.writeHead(200, { 'content-type': 'text/javascript' }).end(body)
        })
      } else response.writeHead(200, { 'content-type': 'text/html' }).end(page)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
    })
    try {
      const tab = await browser.newPage()
      const errors: string[] = []
      tab.on('pageerror', (error) => errors.push(error.message))
      await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      await tab.waitForFunction(
        (names) => names.every((name) => customElements.get(name) !== undefined),
        tags,
        { timeout: 10_000 },
      )
      expect(errors).toEqual([])
    } finally {
      await browser.close()
      server.close()
    }
  })
})
