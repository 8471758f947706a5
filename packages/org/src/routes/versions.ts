import { Hono } from 'hono'
import { requestContext, slash, V } from '../http/context.js'
import type { OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import { apiVersions } from '../http/versions.js'
import type { OrgState } from '../state.js'

/** `GET /services/data/`: the versions list (no authentication, no Sforce-Limit-Info). */
export function versionListRoutes(): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  app.on('GET', slash('/services/data'), (c) => sfJson(c, apiVersions()))
  return app
}

/** `GET /services/data/vNN.N/` (resources) and `/services/data/vNN.N/limits`. */
export function resourceRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  app.on('GET', slash(V), (c) => {
    const ctx = requestContext(c, state)
    const base = `/services/data/v${ctx.version}`
    return sfJson(c, {
      tooling: `${base}/tooling`,
      metadata: `${base}/metadata`,
      eclair: `${base}/eclair`,
      folders: `${base}/folders`,
      prechatForms: `${base}/prechatForms`,
      contact: `${base}/contact`,
      analytics: `${base}/analytics`,
      search: `${base}/search`,
      quickActions: `${base}/quickActions`,
      queryAll: `${base}/queryAll`,
      recent: `${base}/recent`,
      composite: `${base}/composite`,
      query: `${base}/query`,
      sobjects: `${base}/sobjects`,
      limits: `${base}/limits`,
      identity: `${ctx.origin}/id/${state.orgId}/${ctx.caller.userId}`,
    })
  })
  app.on('GET', slash(`${V}/limits`), (c) => {
    const now = state.clock.now()
    const used = state.limits.used(now)
    const max = state.limits.max
    return sfJson(c, {
      ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
      ConcurrentSyncReportRuns: { Max: 20, Remaining: 20 },
      DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
      DailyAsyncApexExecutions: { Max: 250000, Remaining: 250000 },
      DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
      DailyBulkV2QueryFileStorageMB: { Max: 976562, Remaining: 976562 },
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
      DailyStreamingApiEvents: { Max: 10000, Remaining: 10000 },
      DataStorageMB: { Max: 1024, Remaining: 1000 },
      FileStorageMB: { Max: 1024, Remaining: 1024 },
      HourlyDashboardRefreshes: { Max: 200, Remaining: 200 },
      HourlyDashboardResults: { Max: 5000, Remaining: 5000 },
      HourlyDashboardStatuses: { Max: 999999999, Remaining: 999999999 },
      SingleEmail: { Max: 5000, Remaining: 5000 },
    })
  })
  return app
}
