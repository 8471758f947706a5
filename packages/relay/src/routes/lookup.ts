import type { LookupResult } from '@briefcase/protocol'
import { RelayErrorCode } from '@briefcase/protocol'
import { isSalesforceId, toSalesforceId } from '@briefcase/record'
import { Hono } from 'hono'
import type { RelayEnv } from '../app/env.js'
import { requireSession } from '../app/middleware.js'
import type { RelayServices } from '../app/services.js'
import { RelayError } from '../errors.js'
import { fromSalesforceError } from '../salesforce/salesforce-errors.js'
import { soqlContains } from '../salesforce/soql.js'

/**
 * `GET /api/lookup/<SObject>?q=`: records whose name contains `q`, for lookup fields (20 at most);
 * `?id=<Salesforce Id>`: that record's name (none when the user may not see it), to show a
 * lookup's value by name.
 */
export function lookupRoutes(services: RelayServices): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>()
  app.get('/:sobject', requireSession(services), async (c) => {
    const userId = c.get('session').userId
    const q = (c.req.query('q') ?? '').trim()
    if (q.length > 100)
      throw new RelayError(RelayErrorCode.badRequest, '`q` is at most 100 characters.')
    const rawId = c.req.query('id')
    const id = rawId === undefined ? undefined : toSalesforceId(rawId)
    if (rawId !== undefined && (id === undefined || !isSalesforceId(id)))
      throw new RelayError(RelayErrorCode.badRequest, '`id` is not a Salesforce Id.')
    const view = await services.views.viewFor(userId, c.req.param('sobject'))
    const nameField = view.nameField
    if (!nameField)
      throw new RelayError(RelayErrorCode.badRequest, `${view.sobject} has no name field.`)
    const conn = await services.salesforce.connectionFor(userId)
    const where =
      id !== undefined
        ? ` WHERE Id = '${id}'`
        : q === ''
          ? ''
          : ` WHERE ${nameField} LIKE ${soqlContains(q)}`
    let rows: Record<string, unknown>[]
    try {
      rows = (
        await conn.query<Record<string, unknown>>(
          `SELECT Id, ${nameField} FROM ${view.sobject}${where} ORDER BY ${nameField} LIMIT 20`,
        )
      ).records
    } catch (error) {
      throw fromSalesforceError(error, 'looking up records')
    }
    const body: LookupResult[] = rows
      .filter((r) => typeof r.Id === 'string')
      .map((r) => ({
        id: String(r.Id),
        name: typeof r[nameField] === 'string' ? r[nameField] : '',
      }))
    return c.json(body)
  })
  return app
}
