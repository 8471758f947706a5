import type { Browser } from 'playwright-core'
import { buildAssets } from './build-assets.js'
import { launchChromium } from './browser.js'
import type { RunningServer } from './server.js'
import { startServer } from './server.js'

/** The server `npm start` runs, and Chromium to open devices in. */
export interface Stack {
  server: RunningServer
  browser: Browser
  close(): Promise<void>
}

/** Builds the bundle, then starts the server and Chromium side by side. */
export async function startStack(): Promise<Stack> {
  await buildAssets()
  const [server, browser] = await Promise.all([startServer(), launchChromium()])
  return {
    server,
    browser,
    close: async () => {
      await browser.close()
      await server.close()
    },
  }
}
