import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'

const source = ['@briefcase/source']

/** The Chromium the browser tests run in: `CHROMIUM_PATH`, default Debian's (scripts/check.mjs). */
export const chromiumPath: string = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Flags Debian's Chromium needs on a machine with a closed network (see shared/toolchain.md). */
export const chromiumArgs: string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export default defineConfig({
  resolve: { conditions: [...source, 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: [...source, 'module', 'node', 'development|production'] } },
  test: {
    testTimeout: 30_000,
    passWithNoTests: true,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        optimizeDeps: { exclude: ['@automerge/automerge'] },
        test: {
          name: 'browser',
          include: ['packages/*/src/**/*.browser.test.ts'],
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
      },
    ],
  },
})
