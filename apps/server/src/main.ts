#!/usr/bin/env node
/**
 * The runnable behind `npm start`: relay + SQLite + the embedded org (with its seed) + the demo
 * page on one port. Flags and environment variables: see `--help`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { USAGE, readConfig } from './config.js'
import { boundHeapGrowth } from './heap-growth.js'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2), process.env, repoRoot)
  if (config === 'help') {
    console.log(USAGE)
    return
  }
  if (config === 'version') {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'apps/server/package.json'), 'utf8')) as {
      version: string
    }
    console.log(pkg.version)
    return
  }
  if (config.org.kind === 'embedded') {
    // jsforce routes every request through http(s)_proxy when set; the embedded org is local.
    for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
      delete process.env[name]
  }
  boundHeapGrowth()
  const { pino } = await import('pino')
  const { startServer } = await import('./server.js')
  const { redactUrl } = await import('@briefcase/relay')
  const logger = pino({ level: config.logLevel, base: { service: 'briefcase' } })
  const running = await startServer(config, logger)
  const lines = [
    '',
    `Briefcase is running at ${running.url}`,
    `  data directory: ${config.dataDir}`,
    `  store: ${config.store.kind === 'postgres' ? `${redactUrl(config.store.url)} (schema ${config.store.schema})` : 'SQLite in the data directory'}`,
    running.org
      ? `  embedded org: ${running.url} (admin: ${running.url}/__org)`
      : `  org: ${config.org.kind === 'external' ? config.org.loginUrl : ''}`,
    ...(config.assets.some((a) => 'dir' in a && existsSync(join(a.dir, 'index.html')))
      ? [`  demo page: ${running.url}/`]
      : []),
    `  metrics: ${running.url}/metrics${config.metricsToken ? ' (bearer token)' : ''}`,
  ]
  if (running.org) {
    lines.push('  sign in as:')
    for (const u of running.org.users)
      lines.push(`    ${u.username} / ${u.password}  (${u.name}, ${u.title})`)
  }
  console.log(`${lines.join('\n')}\n`)
  const stop = (signal: string): void => {
    logger.info({ signal }, 'stopping')
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  // Errors with a stable code (BRIEFCASE_STORE_UNREACHABLE, …) start with it.
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  const coded =
    typeof code === 'string' && code.startsWith('BRIEFCASE_') && !message.startsWith(code)
  console.error(coded ? `${code}: ${message}` : message)
  process.exit(1)
})
