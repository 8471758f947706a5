#!/usr/bin/env node
/**
 * Runs a Briefcase org on its own:
 * `node packages/org/dist/cli.js --port 4010 [--host 127.0.0.1] [--data org.json] [--seed 42] [--redirect-uri URL]`.
 */
import { serve } from '@hono/node-server'
import { parseArgs } from 'node:util'
import { createOrg } from './app.js'
import type { OrgLogger } from './logger.js'

const USAGE = `Usage: briefcase-org [--port 4010] [--host 127.0.0.1] [--data file.json] [--seed 42 | --empty]
                     [--accounts 240] [--api-limit 100000] [--redirect-uri URL ...]`

function write(line: string): void {
  process.stdout.write(`${line}\n`)
}

const logger: OrgLogger = {
  debug: () => undefined,
  info: (m) => write(m),
  warn: (m, ...d) => process.stderr.write(`${m} ${d.map(String).join(' ')}\n`),
  error: (m, ...d) => process.stderr.write(`${m} ${d.map(String).join(' ')}\n`),
}

function main(): void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      seed: { type: 'string' },
      empty: { type: 'boolean', default: false },
      accounts: { type: 'string' },
      'api-limit': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    write(USAGE)
    return
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number\n${USAGE}`)
  const org = createOrg({
    logger,
    seed: values.empty ? false : values.seed === undefined ? 42 : Number(values.seed),
    ...(values.data === undefined ? {} : { dataFile: values.data }),
    ...(values.accounts === undefined ? {} : { accounts: Number(values.accounts) }),
    ...(values['api-limit'] === undefined ? {} : { apiLimit: Number(values['api-limit']) }),
    ...(values['redirect-uri'] === undefined ? {} : { redirectUris: values['redirect-uri'] }),
  })
  const server = serve({ fetch: org.app.fetch, port, hostname: values.host }, (info) => {
    const url = `http://${values.host}:${info.port}`
    write(`Briefcase org listening on ${url}`)
    write(`  login URL / instance URL: ${url}`)
    write(`  connected app: client_id=briefcase-relay client_secret=briefcase-relay-secret`)
    write(`  sign-ins:`)
    for (const u of org.users)
      write(`    ${u.username.padEnd(24)} ${u.password.padEnd(18)} ${u.name} (${u.profile})`)
    write(`  admin: ${url}/__org (local use only, unauthenticated)`)
    if (values.data) write(`  data file: ${values.data}`)
  })
  const stop = (): void => {
    server.close()
    void org.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main()
