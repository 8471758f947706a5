import { Hono } from 'hono'
import { ApiError } from '../errors.js'
import { param, requestContext, slash, V } from '../http/context.js'
import type { OrgContext, OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import { nextPage, runQuery } from '../soql/execute.js'
import type { OrgState } from '../state.js'

const DEFAULT_BATCH = 2000

/** The batch size from `Sforce-Query-Options: batchSize=n` (clamped to 200–2000), or null. */
export function batchSizeOf(c: OrgContext): number | null {
  const header = c.req.header('sforce-query-options')
  const m = header ? /batchSize\s*=\s*(\d+)/i.exec(header) : null
  if (!m) return null
  return Math.min(2000, Math.max(200, Number(m[1])))
}

/** `/query`, `/queryAll` and their `nextRecordsUrl` pages. */
export function queryRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  for (const [resource, includeDeleted] of [
    ['query', false],
    ['queryAll', true],
  ] as const) {
    app.on('GET', slash(`${V}/${resource}`), (c) => {
      const ctx = requestContext(c, state)
      const soql = c.req.query('q')
      if (c.req.query('explain') !== undefined) {
        throw new ApiError(
          400,
          'MALFORMED_QUERY',
          'Query plans (explain) are not supported by this org emulator.',
        )
      }
      if (soql === undefined) {
        throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified')
      }
      return sfJson(
        c,
        runQuery(ctx, soql, { includeDeleted, batchSize: batchSizeOf(c) ?? DEFAULT_BATCH }),
      )
    })
    app.on('GET', slash(`${V}/${resource}/:locator`), (c) => {
      const ctx = requestContext(c, state)
      return sfJson(c, nextPage(ctx, param(c, 'locator'), batchSizeOf(c)))
    })
  }
  return app
}
