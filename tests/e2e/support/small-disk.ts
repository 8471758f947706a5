import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { BrowserContext } from 'playwright-core'
import { chromium } from 'playwright-core'
import { chromiumArgs, chromiumPath } from '../../../vitest.config.js'

const run = promisify(execFile)

/** A browser profile on a small disk of its own: a device whose storage can really run out. */
export interface SmallDiskProfile {
  context: BrowserContext
  close(): Promise<void>
}

/**
 * Launches Chromium with its profile on a `sizeMb` tmpfs mounted for the test (needs root, as
 * the tests run here and in CI; a failed mount fails the test). Chromium refuses IndexedDB writes
 * with `QuotaExceededError` once that disk is nearly full.
 */
export async function smallDiskProfile(sizeMb: number, baseURL: string): Promise<SmallDiskProfile> {
  const dir = await mkdtemp(join(tmpdir(), 'briefcase-small-disk-'))
  await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir])
  try {
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      baseURL,
      viewport: { width: 1360, height: 900 },
    })
    return {
      context,
      close: async () => {
        await context.close()
        await run('umount', [dir])
        await rm(dir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await run('umount', [dir])
    throw error
  }
}
