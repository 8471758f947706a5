import { Hono } from 'hono'
import { DAY, formatDateTime, parseDateTime, toMinute } from '../datetime.js'
import { ApiError } from '../errors.js'
import { requestContext, slash, V } from '../http/context.js'
import type { OrgContext, OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import { recordAccess } from '../security/access.js'
import type { OrgState, RequestContext } from '../state.js'
import { objectOf } from './sobjects.js'

const WINDOW = 30 * DAY

function replicationError(message: string): ApiError {
  return new ApiError(400, 'INVALID_REPLICATION_DATE', message)
}

/**
 * The window of a getUpdated/getDeleted call: seconds ignored, start before end, start within
 * the last 30 days, end no later than now (that end is `latestDateCovered`).
 */
function window(ctx: RequestContext, c: OrgContext): { start: number; end: number } {
  const rawStart = c.req.query('start')
  const rawEnd = c.req.query('end')
  const start = rawStart === undefined ? undefined : parseDateTime(rawStart)
  const end = rawEnd === undefined ? undefined : parseDateTime(rawEnd)
  if (start === undefined || end === undefined) {
    throw replicationError(
      'start and end must be given as UTC date-times, e.g. 2024-05-01T00:00:00+00:00',
    )
  }
  const from = toMinute(start)
  const to = Math.min(toMinute(end), toMinute(ctx.now))
  if (toMinute(end) <= from) {
    throw replicationError('startDate must chronologically precede endDate by more than one minute')
  }
  if (from < toMinute(ctx.now) - WINDOW) {
    throw replicationError('startDate cannot be more than 30 days ago')
  }
  return { start: from, end: Math.max(from, to) }
}

/** `GET /sobjects/{T}/updated` and `/deleted` (getUpdated / getDeleted). */
export function replicationRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()

  app.on('GET', slash(`${V}/sobjects/:type/updated`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const { start, end } = window(ctx, c)
    const ids: string[] = []
    for (const r of state.store.all(object.name)) {
      const stamp = Number(r.SystemModstamp)
      if (r.IsDeleted === true || stamp < start || stamp >= end) continue
      if (recordAccess(state.store, ctx.caller, object, r) === 'none') continue
      ids.push(String(r.Id))
    }
    return sfJson(c, { ids, latestDateCovered: formatDateTime(end) })
  })

  app.on('GET', slash(`${V}/sobjects/:type/deleted`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const { start, end } = window(ctx, c)
    const log = state.store.deleteLog(object.name)
    const deletedRecords = log
      .filter((d) => d.deletedDate >= start && d.deletedDate < end)
      .filter((d) => {
        const r = state.store.get(object.name, d.id)
        return r !== undefined && recordAccess(state.store, ctx.caller, object, r) !== 'none'
      })
      .map((d) => ({ id: d.id, deletedDate: formatDateTime(d.deletedDate) }))
    // Nothing is ever purged: everything since the first delete (or the 30-day window) is available.
    const first = log.reduce((min, d) => Math.min(min, d.deletedDate), Infinity)
    const earliest = Number.isFinite(first) ? toMinute(first) : toMinute(ctx.now) - WINDOW
    return sfJson(c, {
      deletedRecords,
      earliestDateAvailable: formatDateTime(earliest),
      latestDateCovered: formatDateTime(end),
    })
  })

  return app
}
