// Vitest config of the client's Chromium benchmarks (`bench/client-*.browser.test.ts`): the
// workspace's browser project, pointed at bench/ with a long timeout. Not part of `npm test`.
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { chromiumArgs, chromiumPath } from '../vitest.config.js'

export default defineConfig({
  resolve: { conditions: ['@briefcase/source', 'module', 'browser', 'development|production'] },
  optimizeDeps: { exclude: ['@automerge/automerge'] },
  test: {
    name: 'client-bench',
    include: ['bench/client-*.browser.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      instances: [{ browser: 'chromium' }],
      provider: playwright({
        launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
      }),
    },
  },
})
