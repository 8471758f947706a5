import type { ViewResponse } from '@briefcase/protocol'
import { RelayErrorCode } from '@briefcase/protocol'
import { isSalesforceId } from '@briefcase/record'
import { Hono } from 'hono'
import type { RelayEnv } from '../app/env.js'
import { requireSession } from '../app/middleware.js'
import type { RelayServices } from '../app/services.js'
import { RelayError } from '../errors.js'
import { fromSalesforceError, isNoAccess } from '../salesforce/salesforce-errors.js'
import { soqlQuote } from '../salesforce/soql.js'

/**
 * The document a record lives in for this user: a record created offline keeps its draft-key
 * name for life, so opening it by its Salesforce Id leads to that document, not a second one.
 */
async function canonicalName(
  services: RelayServices,
  sobject: string,
  key: string,
): Promise<string> {
  const name = `${sobject}/${key}`
  if (!isSalesforceId(key)) return name
  const docs = await services.store.findBySalesforceId(sobject, key)
  return docs.find((d) => d.name !== name)?.name ?? name
}

/**
 * `POST /api/records/<SObject>/<key>/view`: the user opened a record. Marks it viewed in
 * Salesforce (a `FOR VIEW` query with the user's authority, which also checks access), makes
 * sure its document exists, and answers its document name and display name.
 */
export function recordRoutes(services: RelayServices): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>()
  app.post('/:sobject/:key/view', requireSession(services), async (c) => {
    const userId = c.get('session').userId
    const name = await canonicalName(services, c.req.param('sobject'), c.req.param('key'))
    const [resolved] = await services.resolver.resolve(userId, [name], {
      createDrafts: () => false,
    })
    if (!resolved?.ok)
      throw resolved?.error ?? new RelayError(RelayErrorCode.internal, 'Not resolved.')
    try {
      resolved.init?.()
      await services.hub.flush('written')
      const doc = resolved.hot.doc
      const id = doc.salesforceId() ?? (isSalesforceId(doc.key) ? doc.key : null)
      const nameField = resolved.view.nameField
      if (id) {
        const conn = await services.salesforce.connectionFor(userId)
        const fields = ['Id', ...(nameField && nameField !== 'Id' ? [nameField] : [])]
        await conn
          .query(
            `SELECT ${fields.join(', ')} FROM ${doc.sobject} WHERE Id = ${soqlQuote(id)} FOR VIEW`,
          )
          .catch((error: unknown) => {
            if (isNoAccess(error)) services.access.forget(id, userId)
            throw fromSalesforceError(error, 'marking the record viewed')
          })
      }
      const display = nameField ? doc.get(nameField) : null
      const body: ViewResponse = {
        doc: doc.name,
        name: typeof display === 'string' && display !== '' ? display : doc.name,
      }
      return c.json(body)
    } finally {
      services.hub.release(resolved.hot)
    }
  })
  return app
}
