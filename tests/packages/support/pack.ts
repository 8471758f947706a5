import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The repository root. */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url))

/** The packages a user installs from a registry, in dependency order. */
export const publishedPackages = ['record', 'protocol', 'client', 'elements'] as const

/** One package packed with `pnpm pack`. */
export interface PackedPackage {
  /** Package folder name under `packages/`. */
  readonly folder: (typeof publishedPackages)[number]
  /** Absolute path of the `.tgz`. */
  readonly tarball: string
  /** Size of the tarball in bytes. */
  readonly bytes: number
  /** Paths inside the tarball, without the leading `package/`. */
  readonly files: readonly string[]
}

/**
 * Builds what the tarballs ship if it is missing: `dist/` (`tsc -b` of elements builds the
 * packages it references too) and the elements script-tag bundle. `npm test` builds both before
 * vitest runs; a lone `vitest run` of this file may not have.
 */
export async function buildIfMissing(): Promise<void> {
  const missingDist = publishedPackages.some(
    (folder) => !existsSync(join(repoRoot, 'packages', folder, 'dist/index.js')),
  )
  if (missingDist) {
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'packages/elements'], {
      cwd: repoRoot,
    })
  }
  if (!existsSync(join(repoRoot, 'packages/elements/bundle/elements.js'))) {
    await run(process.execPath, ['packages/elements/scripts/bundle.mjs'], { cwd: repoRoot })
  }
}

/** Packs one workspace package into `destination` with the pinned pnpm (workspace and catalog versions resolved). */
export async function pack(
  folder: (typeof publishedPackages)[number],
  destination: string,
): Promise<PackedPackage> {
  const cwd = join(repoRoot, 'packages', folder)
  const manifest = JSON.parse(await readFile(join(cwd, 'package.json'), 'utf8')) as {
    name: string
    version: string
  }
  await run(
    process.execPath,
    [join(repoRoot, 'scripts/pnpm.mjs'), 'pack', '--pack-destination', destination],
    {
      cwd,
    },
  )
  const tarball = join(
    destination,
    `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`,
  )
  const { stdout } = await run('tar', ['-tzf', tarball])
  const files = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''))
  return { folder, tarball, bytes: (await stat(tarball)).size, files }
}

/**
 * The environment for npm in a directory of its own: without the `npm_config_*` settings that
 * `npm test` (and pnpm) pass to their children, except the registry.
 */
export function cleanNpmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    const setting = key.toLowerCase()
    if (setting.startsWith('npm_') && setting !== 'npm_config_registry') continue
    if (setting.startsWith('pnpm_')) continue
    env[key] = value
  }
  return env
}

/** Runs npm in `cwd` (no audit, no funding notice); resolves with the time it took in ms. */
export async function npm(cwd: string, args: readonly string[]): Promise<number> {
  const started = performance.now()
  await run('npm', [...args, '--no-audit', '--no-fund'], { cwd, env: cleanNpmEnv() })
  return performance.now() - started
}

/** Writes the package.json of an empty ESM project to `cwd`. */
export async function emptyProject(cwd: string): Promise<void> {
  await writeFile(
    join(cwd, 'package.json'),
    JSON.stringify({ name: 'briefcase-install-check', private: true, type: 'module' }),
  )
}

/** Imports `specifier` with plain Node from `cwd`; resolves with its export names, rejects with Node's error. */
export async function importInNode(cwd: string, specifier: string): Promise<string[]> {
  const script = `const m = await import(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify(Object.keys(m)))`
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    env: cleanNpmEnv(),
  })
  return JSON.parse(stdout) as string[]
}

/** The version of `name` in the catalog of pnpm-workspace.yaml. */
export async function catalogVersion(name: string): Promise<string> {
  const workspace = await readFile(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8')
  const match = new RegExp(`^\\s*'?${name.replace(/[/.]/g, '\\$&')}'?:\\s*(\\S+)`, 'm').exec(
    workspace,
  )
  if (!match?.[1]) throw new Error(`${name} is not in the catalog of pnpm-workspace.yaml`)
  return match[1]
}
