import { rm } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, onTestFailed } from 'vitest'
import { buildAssets } from './build-assets.js'
import { launchChromium } from './browser.js'
import { Device } from './device.js'
import type { RunningServer } from './server.js'
import { startServer } from './server.js'

/** The server `npm start` runs, and Chromium to open devices in. */
export interface Stack {
  /** The demo site's directory the server serves (a test may deploy a new version into it). */
  site: string
  server: RunningServer
  browser: Browser
  close(): Promise<void>
}

/** Builds the bundle, then starts the server and Chromium side by side. */
export async function startStack(): Promise<Stack> {
  const site = await buildAssets()
  const [server, browser] = await Promise.all([startServer(site), launchChromium()])
  return {
    site,
    server,
    browser,
    close: async () => {
      await browser.close()
      await server.close()
      await rm(site, { recursive: true, force: true })
    },
  }
}

/**
 * Opens a new device (browser context) on the server at `path`; if the running test fails, its
 * page is saved as `artifacts/e2e/<label>-failed.png`.
 */
export async function openDevice(stack: Stack, label: string, path = '/'): Promise<Device> {
  const device = await Device.open(stack.browser, stack.server.url, label, path)
  onTestFailed(async () => {
    await device.screenshot(`${label}-failed`)
  })
  return device
}

/**
 * One stack for the test file calling it (started before its tests, closed after); the returned
 * function gives it to the tests.
 */
export function stackForFile(): () => Stack {
  let stack: Stack | undefined
  beforeAll(async () => {
    stack = await startStack()
  }, 60_000)
  afterAll(async () => {
    await stack?.close()
  })
  return () => {
    if (!stack) throw new Error('the stack did not start')
    return stack
  }
}
