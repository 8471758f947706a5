import type { SchemaResponse } from '@briefcase/protocol'
import { Hono } from 'hono'
import type { RelayEnv } from '../app/env.js'
import { requireSession } from '../app/middleware.js'
import type { RelayServices } from '../app/services.js'

/**
 * `GET /api/schemas/<SObject>`: the object as the user sees it: the fields they may read (as a
 * record schema, with their createable/updateable rights), labels and the name field. Devices
 * open record documents with this schema.
 */
export function schemaRoutes(services: RelayServices): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>()
  app.get('/:sobject', requireSession(services), async (c) => {
    const view = await services.views.viewFor(c.get('session').userId, c.req.param('sobject'))
    const body: SchemaResponse = {
      schema: view.schema,
      label: view.label,
      labelPlural: view.labelPlural,
      nameField: view.nameField ?? 'Id',
      createable: view.createable,
      updateable: view.updateable,
      deletable: view.deletable,
    }
    return c.json(body)
  })
  return app
}
