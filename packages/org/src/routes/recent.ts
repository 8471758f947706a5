import { Hono } from 'hono'
import { ApiError } from '../errors.js'
import { requestContext, slash, V } from '../http/context.js'
import type { OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import type { OrgState } from '../state.js'
import { recentItems } from './recent-items.js'

/** `GET /recent?limit=n`: the caller's recently viewed records across objects. */
export function recentRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  app.on('GET', slash(`${V}/recent`), (c) => {
    const ctx = requestContext(c, state)
    const raw = c.req.query('limit')
    const limit = raw === undefined ? 200 : Number(raw)
    if (!Number.isInteger(limit) || limit < 0) {
      throw new ApiError(400, 'INVALID_QUERY_FILTER_OPERATOR', `Invalid limit: ${raw}`)
    }
    return sfJson(c, recentItems(ctx, { limit: Math.min(limit, 200) }))
  })
  return app
}
