import { Hono } from 'hono'
import { dashboardMetadata, dashboardResults, dashboardStatus } from '../analytics/results.js'
import { toSecond } from '../datetime.js'
import { notFound } from '../errors.js'
import { toSalesforceId } from '../ids.js'
import { readJson } from '../http/body.js'
import { param, requestContext, slash, V } from '../http/context.js'
import type { OrgContext, OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import type { StoredRecord } from '../schema/types.js'
import type { OrgState } from '../state.js'

function dashboardRecord(state: OrgState, c: OrgContext): Readonly<StoredRecord> {
  const id = toSalesforceId(param(c, 'id'))
  const record = id ? state.store.get('Dashboard', id) : undefined
  if (!record || record.IsDeleted === true) throw notFound()
  return record
}

/** The Analytics dashboards API: list, results (GET/POST), refresh, status and describe. */
export function dashboardRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  const base = `${V}/analytics/dashboards`

  app.on('GET', slash(base), (c) => {
    const ctx = requestContext(c, state)
    const list = [...state.store.all('Dashboard')]
      .filter((d) => d.IsDeleted !== true)
      .map((d) => ({ d, viewed: state.store.marks(ctx.caller.userId, String(d.Id))?.viewed ?? 0 }))
      .sort((a, b) => b.viewed - a.viewed || String(a.d.Title).localeCompare(String(b.d.Title)))
    return sfJson(
      c,
      list.map(({ d }) => ({
        id: d.Id,
        name: d.Title,
        statusUrl: `/services/data/v${ctx.version}/analytics/dashboards/${String(d.Id)}/status`,
        url: `/services/data/v${ctx.version}/analytics/dashboards/${String(d.Id)}`,
      })),
    )
  })

  app.on('GET', slash(`${base}/:id/status`), (c) => {
    const ctx = requestContext(c, state)
    const body = dashboardStatus(dashboardRecord(state, c), ctx.now)
    if (!body) throw notFound()
    return sfJson(c, body)
  })

  app.on('GET', slash(`${base}/:id/describe`), (c) => {
    const ctx = requestContext(c, state)
    const body = dashboardMetadata(state, dashboardRecord(state, c), ctx.version)
    if (!body) throw notFound()
    return sfJson(c, body)
  })

  app.on('GET', slash(`${base}/:id`), (c) => {
    const ctx = requestContext(c, state)
    const record = dashboardRecord(state, c)
    const body = dashboardResults(state, ctx.caller, record, ctx.version, ctx.now)
    if (!body) throw notFound()
    state.store.mark(ctx.caller.userId, String(record.Id), 'viewed', toSecond(ctx.now))
    state.changed()
    return sfJson(c, body)
  })

  app.on('POST', slash(`${base}/:id`), async (c) => {
    const ctx = requestContext(c, state)
    const record = dashboardRecord(state, c)
    const raw =
      c.req.header('content-length') === '0'
        ? {}
        : await readJson(c, state.maxBodyBytes).catch(() => ({}))
    const ids = (raw as { componentIds?: unknown }).componentIds
    const wanted = Array.isArray(ids)
      ? ids.filter((i): i is string => typeof i === 'string')
      : undefined
    const body = dashboardResults(state, ctx.caller, record, ctx.version, ctx.now, wanted)
    if (!body) throw notFound()
    return sfJson(c, body)
  })

  app.on('PUT', slash(`${base}/:id`), (c) => {
    const ctx = requestContext(c, state)
    const record = dashboardRecord(state, c)
    return sfJson(
      c,
      {
        statusUrl: `/services/data/v${ctx.version}/analytics/dashboards/${String(record.Id)}/status`,
      },
      201,
    )
  })

  return app
}
