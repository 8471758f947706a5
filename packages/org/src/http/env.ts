import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'
import type { AccessSession } from '../oauth/sessions.js'
import type { Caller } from '../security/access.js'

/** Marks a Composite sub-request dispatched inside the org (no logging, faults, limits or lock). */
export const INTERNAL: unique symbol = Symbol('briefcase-org-internal-call')

/** What a Composite sub-request carries from its parent request. */
export interface InternalCall {
  readonly caller: Caller
  readonly session: AccessSession
}

/** Bindings the org reads: Node's request and response under @hono/node-server, or an internal call. */
export interface OrgBindings {
  incoming?: IncomingMessage
  outgoing?: ServerResponse
  [INTERNAL]?: InternalCall
}

/** Per-request values set by the org's middleware. */
export interface OrgVariables {
  caller: Caller
  session: AccessSession
  /** API version of the path, without `v` (e.g. `62.0`). */
  version: string
  /** True when the call counted against the daily API limit. */
  counted: boolean
}

/** The Hono environment of the org's app. */
export interface OrgEnv {
  Bindings: OrgBindings
  Variables: OrgVariables
}

/** The org's Hono context. */
export type OrgContext = Context<OrgEnv>

/** The internal call a context carries, if it is a Composite sub-request. */
export function internalCall(c: OrgContext): InternalCall | undefined {
  const env = c.env as OrgBindings | undefined
  return env?.[INTERNAL]
}
