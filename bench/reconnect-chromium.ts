/**
 * The Chromium device of `relay-reconnect.ts` (the default, `DEVICE=chromium`): the real
 * `@briefcase/client`, bundled for the browser with Vite (`reconnect-page.ts`), served by the relay
 * under test (`--static-root`, the page at the relay's origin as the demo app is), in headless
 * Debian Chromium with a profile directory of its own (IndexedDB on disk, as a device keeps it),
 * over HTTP and WebSocket on loopback. It signs in as a person does: the relay's sign-in, the
 * org's login form filled in, back to the page with its session. Round trips are the page's
 * bulk-sync requests as the browser sent them (`page.on('request')`); device CPU is every
 * Chromium process's (browser, renderer, the storage service where IndexedDB runs, network, GPU),
 * each kind's also apart, from /proc.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { build } from 'vite'
import { chromiumArgs, chromiumPath } from '../vitest.config.js'
import { cpuSeconds } from './processes.js'
import type { DeviceCpu, DeviceFactory } from './reconnect-device.js'
import { RequestCounter, USER } from './reconnect-device.js'

const root = fileURLToPath(new URL('../', import.meta.url))

/** Builds the device page into a new directory (`index.html`, `device.js`), returned. */
export async function buildDevicePage(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-device-page-'))
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    resolve: { conditions: ['@briefcase/source', 'module', 'browser', 'production'] },
    build: {
      outDir: dir,
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      lib: { entry: 'bench/reconnect-page.ts', formats: ['es'], fileName: () => 'device.js' },
    },
  })
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>Briefcase bench device</title>' +
      '<script type="module" src="/device.js"></script>\n',
  )
  return dir
}

/**
 * What a Chromium process does, from its command line (which Chromium rewrites as one string):
 * `browser`, `renderer`, `storage` (the storage service: IndexedDB), `network`, `gpu`, ….
 */
function processKind(cmdline: string): string {
  const type = /--type=(\S+)/.exec(cmdline)?.[1]
  if (type === undefined) return 'browser'
  const sub = /--utility-sub-type=(\w+)\./.exec(cmdline)?.[1]
  return type === 'gpu-process' ? 'gpu' : type === 'utility' && sub ? sub : type
}

/** Chromium's processes under this one (pid → {@link processKind}). */
function chromiumProcesses(): Map<number, string> {
  const parents = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid)) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // Exited meanwhile.
    }
  }
  const under = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (p === process.pid) return true
    return false
  }
  const found = new Map<number, string>()
  for (const pid of parents.keys()) {
    if (!under(pid)) continue
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
      if (cmdline.startsWith('/usr/lib/chromium/') || cmdline.includes('chromium --'))
        found.set(pid, processKind(cmdline))
    } catch {
      // Exited meanwhile.
    }
  }
  return found
}

/** Chromium's CPU seconds from now, on demand (a process started meanwhile counts whole). */
function cpuSince(): () => DeviceCpu {
  const read = (): Map<number, { kind: string; cpu: number }> => {
    const out = new Map<number, { kind: string; cpu: number }>()
    for (const [pid, kind] of chromiumProcesses()) {
      try {
        out.set(pid, { kind, cpu: cpuSeconds(pid) })
      } catch {
        // Exited meanwhile.
      }
    }
    return out
  }
  const start = read()
  return () => {
    let deviceCpu = 0
    const processes: Record<string, number> = {}
    for (const [pid, { kind, cpu }] of read()) {
      const spent = cpu - (start.get(pid)?.cpu ?? 0)
      deviceCpu += spent
      processes[kind] = (processes[kind] ?? 0) + spent
    }
    return { deviceCpu, processes }
  }
}

/** With PROFILE=<dir>: a CPU profile of the page (the client's JavaScript) around a step. */
async function startProfile(
  page: Page,
): Promise<{ stop: (name: string) => Promise<void> } | undefined> {
  const dir = process.env.PROFILE
  if (!dir) return undefined
  const session = await page.context().newCDPSession(page)
  await session.send('Profiler.enable')
  await session.send('Profiler.start')
  return {
    async stop(name) {
      const { profile } = await session.send('Profiler.stop')
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile))
      await session.detach()
    },
  }
}

/** Signs in through the relay and the org's login form, back on the page with a session. */
async function signIn(context: BrowserContext, relayUrl: string): Promise<void> {
  const page = context.pages()[0] ?? (await context.newPage())
  await page.goto(`${relayUrl}/`)
  if (await page.evaluate(() => window.bench.signedIn())) return
  await page.goto(await page.evaluate(() => window.bench.signInUrl()))
  await page.getByLabel('Username').fill(USER.username)
  await page.getByLabel('Password').fill(USER.password)
  await page.getByRole('button', { name: 'Log In' }).click()
  await page.waitForURL((url) => url.origin === new URL(relayUrl).origin && url.pathname === '/')
  await page.waitForFunction(() => typeof window.bench === 'object')
  if (!(await page.evaluate(() => window.bench.signedIn())))
    throw new Error('The Chromium device did not sign in.')
}

/**
 * Launches a fresh Chromium device (its own profile directory) on the page `relayUrl` serves,
 * signs it in and waits until it is online. `device` names it in errors only: the client picks
 * its device id at sign-in, as on a real device.
 */
export const chromiumDevice: DeviceFactory = async (relayUrl, device) => {
  const profileDir = mkdtempSync(join(tmpdir(), 'bench-chromium-profile-'))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
  })
  const close = async (): Promise<void> => {
    await context.close()
    rmSync(profileDir, { recursive: true, force: true })
  }
  try {
    await signIn(context, relayUrl)
  } catch (error) {
    await close()
    throw new Error(`${device}: ${String(error)}`, { cause: error })
  }
  const page = context.pages()[0] ?? (await context.newPage())
  const counter = new RequestCounter()
  page.on('request', (request) => {
    const startedAt = request.timing().startTime
    counter.saw(request.url(), startedAt > 0 ? startedAt : Date.now())
  })
  await page.waitForFunction(() => window.bench.online(), undefined, { timeout: 30_000 })

  return {
    async fill(item, name) {
      const trips = counter.mark()
      const cpu = cpuSince()
      const profile = await startProfile(page)
      const step = await page.evaluate((i) => window.bench.fill(i), item)
      await profile?.stop(name)
      const spent = cpu()
      return { ...step, planMs: counter.lastBulkAt - step.startedAt, ...trips(), ...spent }
    },
    editOffline: (docs, prefix) =>
      page.evaluate(([d, p]) => window.bench.editOffline(d, p), [docs, prefix] as const),
    goOnline: () => page.evaluate(() => window.bench.goOnline()),
    async sync(name) {
      const trips = counter.mark()
      const cpu = cpuSince()
      const profile = await startProfile(page)
      const step = await page.evaluate(() => window.bench.sync())
      await profile?.stop(name)
      const spent = cpu()
      return { ...step, ...trips(), ...spent }
    },
    check: (changed, website) =>
      page.evaluate(([c, w]) => window.bench.check(c, w), [changed, website] as const),
    close,
  }
}
