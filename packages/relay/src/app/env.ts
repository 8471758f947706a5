import type { PinoLogger } from 'hono-pino'
import type { Logger } from 'pino'
import type { RelaySession } from '../auth/sessions.js'
import type { ResolvedDoc } from '../docs/doc-resolver.js'

/** Per-request values the relay's middleware sets. */
export interface RelayVariables {
  /** The request's id (`x-request-id`, generated when absent). */
  requestId: string
  /** The logger bound to the request (its id, then its user and device). */
  log: Logger
  /** hono-pino's request logger, whose bindings go into the request's log line. */
  logger: PinoLogger
  /** The verified session, on routes that require one. */
  session: RelaySession
  /** The document a live-sync upgrade opens (resolved and pinned before the upgrade). */
  live: ResolvedDoc
}

/** The relay app's Hono environment. */
export interface RelayEnv {
  Variables: RelayVariables
}
