import { mkdir } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { chromium } from 'playwright-core'
import { chromiumArgs, chromiumPath } from '../../../vitest.config.js'
import { repoRoot } from './build-assets.js'

/** Where scenario screenshots go (gitignored). */
export const artifactsDir: string = `${repoRoot}artifacts/e2e`

/** Debian's Chromium, headless, with the flags the machine needs (toolchain.md §8). */
export async function launchChromium(): Promise<Browser> {
  await mkdir(artifactsDir, { recursive: true })
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
  })
}
