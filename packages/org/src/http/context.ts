import type { RequestContext, OrgState } from '../state.js'
import type { OrgContext } from './env.js'

/** The request context of an authenticated data API call. */
export function requestContext(c: OrgContext, state: OrgState): RequestContext {
  return {
    state,
    caller: c.get('caller'),
    now: state.clock.now(),
    version: c.get('version'),
    origin: new URL(c.req.url).origin,
  }
}

/** `[path, path + '/']`: Salesforce accepts resource paths with or without a trailing slash. */
export function slash(path: string): string[] {
  return [path, `${path}/`]
}

/** Route prefix of the versioned data API. */
export const V = '/services/data/:version'

/** A path parameter ('' when absent). */
export function param(c: OrgContext, name: string): string {
  return c.req.param(name) ?? ''
}
