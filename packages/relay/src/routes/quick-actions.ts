import type { QuickAction } from '@briefcase/protocol'
import { Hono } from 'hono'
import type { RelayEnv } from '../app/env.js'
import { requireSession } from '../app/middleware.js'
import type { RelayServices } from '../app/services.js'
import { fromSalesforceError } from '../salesforce/salesforce-errors.js'

interface OrgQuickAction {
  name: string
  label: string
  type: string
}

/** `GET /api/quick-actions`: the org's `<Object>.create` actions, for the "+" menu. */
export function quickActionRoutes(services: RelayServices): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>()
  app.get('/', requireSession(services), async (c) => {
    const conn = await services.salesforce.connectionFor(c.get('session').userId)
    let actions: OrgQuickAction[]
    try {
      actions = await conn.request<OrgQuickAction[]>({ method: 'GET', url: '/quickActions' })
    } catch (error) {
      throw fromSalesforceError(error, 'listing quick actions')
    }
    const body: QuickAction[] = actions
      .filter((a) => a.type === 'Create' && /^[A-Za-z][A-Za-z0-9_]*\.create$/i.test(a.name))
      .map((a) => ({ name: a.name, sobject: a.name.replace(/\.create$/i, ''), label: a.label }))
    return c.json(body)
  })
  return app
}
