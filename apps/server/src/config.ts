import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { BriefcaseFilter, CaptureFact, CaptureOptions, StaticAsset } from '@briefcase/relay'

/** Where the org comes from: embedded in the process (default), or a real org. */
export type OrgConfig =
  | { kind: 'embedded' }
  | { kind: 'external'; loginUrl: string; clientId: string; clientSecret: string }

/** Where the relay keeps its state: a SQLite file in the data directory (default), or PostgreSQL. */
export type StoreConfig =
  | { kind: 'sqlite' }
  | {
      kind: 'postgres'
      /** `postgres://user:password@host:port/database`. */
      url: string
      /** Schema of the relay's tables (default `public`). */
      schema: string
    }

/** The server's configuration, from flags and environment variables. */
export interface ServerConfig {
  port: number
  host: string
  /** Holds `relay.sqlite`, `org.json` (embedded org) and `session-secret`. */
  dataDir: string
  /** The URL devices and the org's redirect reach the server at (default from host and port). */
  publicUrl: string | undefined
  org: OrgConfig
  /** Session secret (default: generated once and kept in the data directory). */
  sessionSecret: string | undefined
  logLevel: string
  /**
   * What the relay serves as is: the demo page's directory, the elements bundle's directory
   * (`/elements.js`) and the demo script; each only when it exists (built).
   */
  assets: StaticAsset[]
  /** Origins besides the server's that sign-in may return to. */
  returnOrigins: string[]
  /** The bearer token `/metrics` requires (undefined: open). */
  metricsToken: string | undefined
  /** Custom fields the relay fills with facts of the offline edit it writes. */
  capture: CaptureOptions
  /** Redis joining this relay to the others sharing its store (undefined: no Redis). */
  redis: { url: string; prefix: string } | undefined
  /** The relay's store. */
  store: StoreConfig
  /** Briefcase filters offered as offline items (undefined: the relay's defaults). */
  briefcaseFilters: BriefcaseFilter[] | undefined
  /** Tunables read from the environment only (tests shorten them). */
  tuning: {
    /** `BRIEFCASE_LEASE_TTL_MS`: how long a dead relay's leases last (default 10 000). */
    leaseTtlMs: number | undefined
    /**
     * `BRIEFCASE_IN_FLIGHT_SETTLE_MS`: how long a call left in flight that Salesforce does not
     * show may still land before it is sent again (default 20 000).
     */
    inFlightSettleMs: number | undefined
  }
}

/** A positive whole number of ms from the environment, or undefined. */
function msFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): number | undefined {
  const text = env[name]
  if (text === undefined || text === '') return undefined
  const ms = Number(text)
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`${name} must be a whole number of ms, got "${text}".`)
  return ms
}

const CAPTURE_FACTS: readonly CaptureFact[] = ['deviceEditedAt', 'deviceId', 'userId']

/** The embedded org's capture fields (a real org has them only if an admin adds them). */
const EMBEDDED_CAPTURE =
  'Account.Briefcase_Edited_At__c=deviceEditedAt,Site_Visit__c.Briefcase_Edited_At__c=deviceEditedAt'

/** Parses `Object.Field=fact,…` (empty: no capture). */
export function parseCapture(text: string): CaptureOptions {
  const capture: Record<string, Record<string, CaptureFact>> = {}
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*__c)=([A-Za-z]+)$/.exec(item)
    const fact = match?.[3] as CaptureFact | undefined
    if (!match || !fact || !CAPTURE_FACTS.includes(fact)) {
      throw new Error(
        `--capture takes Object.Custom_Field__c=${CAPTURE_FACTS.join('|')}, got "${item}".\n${USAGE}`,
      )
    }
    const sobject = match[1] as string
    capture[sobject] = { ...capture[sobject], [match[2] as string]: fact }
  }
  return capture
}

/** Usage text of `node apps/server/dist/main.js`. */
export const USAGE: string = `Usage: node apps/server/dist/main.js [options]
  --port <n>           PORT                      port (default 4000; 0 picks a free one)
  --host <h>           HOST                      interface (default 127.0.0.1)
  --data-dir <dir>     BRIEFCASE_DATA_DIR        data directory (default .data)
  --public-url <url>   BRIEFCASE_PUBLIC_URL      URL the server is reached at (default http://host:port)
  --store <url>        BRIEFCASE_STORE_URL       postgres://user:password@host:port/db: keep the relay's
                                                 state in PostgreSQL (several relays may share it;
                                                 default: SQLite in the data directory)
  --store-schema <s>   BRIEFCASE_STORE_SCHEMA    PostgreSQL schema of the relay's tables (default public)
  --org-url <url>      SALESFORCE_LOGIN_URL      a real org's login URL (default: the embedded org)
                       SALESFORCE_CLIENT_ID      its connected app's consumer key
                       SALESFORCE_CLIENT_SECRET  its connected app's consumer secret
                       BRIEFCASE_SESSION_SECRET  session secret (default: generated in the data dir)
  --static-root <dir>  BRIEFCASE_STATIC_ROOT     demo site directory (default apps/demo/dist/site)
  --return-origin <o>  BRIEFCASE_RETURN_ORIGINS  more origins sign-in may return to (comma-separated)
  --capture <list>     BRIEFCASE_CAPTURE         Object.Field__c=deviceEditedAt|deviceId|userId,… filled
                                                 on every write (embedded org default:
                                                 Briefcase_Edited_At__c on Account and Site_Visit__c)
  --metrics-token <t>  BRIEFCASE_METRICS_TOKEN   bearer token /metrics then requires (default: open)
  --redis <url>        BRIEFCASE_REDIS_URL       redis://host:port of the Redis joining relays that share
                                                 a store (live fan-out; default: none)
  --redis-prefix <p>   BRIEFCASE_REDIS_PREFIX    channel prefix, one per deployment (default briefcase:)
  --briefcase-filters <file.json>
                       BRIEFCASE_FILTERS_FILE    the briefcase filters offered as offline items, a JSON
                                                 array of {id, label, sobject, where, orderBy?, limit?,
                                                 related?} (default: the relay's four)
  --log-level <l>      LOG_LEVEL                 pino level (default info)
  -h, --help           this text
  --version            the server's version

The server lets V8's heap grow to 1.5x its live data (node's default here: 4x) unless node is
given a heap flag (node --max-old-space-size=<MB> apps/server/dist/main.js, or NODE_OPTIONS).

Through npm: npm start -- --port 5000 --return-origin http://localhost:5173`

/**
 * What the relay serves as is: the demo site (`apps/demo/dist/site`, built by `npm run build`;
 * `/` is its `index.html`), then the elements bundle's directory (`/elements.js` for a site of
 * one's own), each when it exists.
 */
function demoAssets(repoRoot: string, staticRoot: string | undefined): StaticAsset[] {
  const dirs = [
    staticRoot ?? join(repoRoot, 'apps/demo/dist/site'),
    join(repoRoot, 'packages/elements/bundle'),
  ]
  return dirs.filter((dir) => existsSync(dir)).map((dir) => ({ dir }))
}

/**
 * Reads the configuration: a flag wins over its environment variable, which wins over the
 * default. Throws with the usage text on a bad value.
 */
export function readConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  repoRoot: string,
): ServerConfig | 'help' | 'version' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'public-url': { type: 'string' },
      'org-url': { type: 'string' },
      'static-root': { type: 'string' },
      'return-origin': { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      capture: { type: 'string' },
      'metrics-token': { type: 'string' },
      redis: { type: 'string' },
      'redis-prefix': { type: 'string' },
      store: { type: 'string' },
      'store-schema': { type: 'string' },
      'briefcase-filters': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  })
  if (values.help) return 'help'
  if (values.version) return 'version'
  const port = Number(values.port ?? env.PORT ?? '4000')
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number (0–65535).\n${USAGE}`)
  }
  const loginUrl = values['org-url'] ?? env.SALESFORCE_LOGIN_URL
  let org: OrgConfig = { kind: 'embedded' }
  if (loginUrl) {
    const clientId = env.SALESFORCE_CLIENT_ID
    const clientSecret = env.SALESFORCE_CLIENT_SECRET
    if (!clientId || !clientSecret) {
      throw new Error(
        `A real org needs SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET.\n${USAGE}`,
      )
    }
    org = { kind: 'external', loginUrl: loginUrl.replace(/\/+$/, ''), clientId, clientSecret }
  }
  const store = storeConfig(
    values.store ?? (env.BRIEFCASE_STORE_URL || undefined),
    values['store-schema'] ?? (env.BRIEFCASE_STORE_SCHEMA || undefined),
  )
  const staticRoot = values['static-root'] ?? env.BRIEFCASE_STATIC_ROOT
  const returnOrigins = [
    ...(values['return-origin'] ?? []),
    ...(env.BRIEFCASE_RETURN_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ]
  const redisUrl = values.redis ?? (env.BRIEFCASE_REDIS_URL || undefined)
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new Error(`--redis takes a redis:// or rediss:// URL, got "${redisUrl}".\n${USAGE}`)
  }
  if ((redisUrl !== undefined || store.kind === 'postgres') && !env.BRIEFCASE_SESSION_SECRET) {
    // Relays sharing a store serve the same devices: a session signed in on one is verified, and
    // its refresh token opened, on another. A secret generated per data directory would differ.
    const flag = redisUrl !== undefined ? '--redis joins' : 'a PostgreSQL store is shared by'
    throw new Error(
      `${flag} several relays: set BRIEFCASE_SESSION_SECRET, the same on every relay.\n${USAGE}`,
    )
  }
  return {
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    dataDir: resolve(values['data-dir'] ?? env.BRIEFCASE_DATA_DIR ?? '.data'),
    publicUrl: (values['public-url'] ?? env.BRIEFCASE_PUBLIC_URL)?.replace(/\/+$/, ''),
    org,
    sessionSecret: env.BRIEFCASE_SESSION_SECRET,
    logLevel: values['log-level'] ?? env.LOG_LEVEL ?? 'info',
    assets: demoAssets(repoRoot, staticRoot === undefined ? undefined : resolve(staticRoot)),
    returnOrigins,
    metricsToken: values['metrics-token'] ?? (env.BRIEFCASE_METRICS_TOKEN || undefined),
    capture: parseCapture(
      values.capture ?? env.BRIEFCASE_CAPTURE ?? (org.kind === 'embedded' ? EMBEDDED_CAPTURE : ''),
    ),
    redis:
      redisUrl === undefined
        ? undefined
        : {
            url: redisUrl,
            prefix: values['redis-prefix'] ?? env.BRIEFCASE_REDIS_PREFIX ?? 'briefcase:',
          },
    store,
    briefcaseFilters: readFilters(values['briefcase-filters'] ?? env.BRIEFCASE_FILTERS_FILE),
    tuning: {
      leaseTtlMs: msFromEnv(env, 'BRIEFCASE_LEASE_TTL_MS'),
      inFlightSettleMs: msFromEnv(env, 'BRIEFCASE_IN_FLIGHT_SETTLE_MS'),
    },
  }
}

/** `--store` and `--store-schema`: no URL is SQLite; a URL must be PostgreSQL's. */
function storeConfig(url: string | undefined, schema: string | undefined): StoreConfig {
  if (url === undefined) {
    if (schema !== undefined) throw new Error(`--store-schema needs --store.\n${USAGE}`)
    return { kind: 'sqlite' }
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`--store takes a postgres:// URL (without it: SQLite).\n${USAGE}`)
  }
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(
      `--store-schema is lower-case letters, digits and _, got "${schema}".\n${USAGE}`,
    )
  }
  return { kind: 'postgres', url, schema: schema ?? 'public' }
}

/** Reads a briefcase filters file (a JSON array); undefined without one. */
function readFilters(file: string | undefined): BriefcaseFilter[] | undefined {
  if (file === undefined) return undefined
  const list: unknown = JSON.parse(readFileSync(resolve(file), 'utf8'))
  const valid =
    Array.isArray(list) &&
    list.every((f: Partial<BriefcaseFilter> | null) =>
      ['id', 'label', 'sobject', 'where'].every(
        (k) => typeof f?.[k as keyof BriefcaseFilter] === 'string',
      ),
    )
  if (!valid) {
    throw new Error(
      `--briefcase-filters takes a JSON array of {id, label, sobject, where, …}: ${file}.\n${USAGE}`,
    )
  }
  return list as BriefcaseFilter[]
}
