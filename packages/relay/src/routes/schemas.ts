import type { SchemaResponse } from '@briefcase/protocol'
import type { FieldSchema, ObjectSchema } from '@briefcase/record'
import { Hono } from 'hono'
import type { RelayEnv } from '../app/env.js'
import { requireSession } from '../app/middleware.js'
import type { RelayServices } from '../app/services.js'
import type { FieldGroupRecord } from '../store/relay-store.js'

/**
 * `GET /api/schemas/<SObject>`: the object as the user sees it: the fields they may read (as
 * record schemas with their createable/updateable rights: the main partition's, and each other
 * partition the user reads, ADR 0005), labels and the name field. Devices open a record's
 * documents with these schemas.
 */
export function schemaRoutes(services: RelayServices): Hono<RelayEnv> {
  const app = new Hono<RelayEnv>()
  app.get('/:sobject', requireSession(services), async (c) => {
    const view = await services.views.viewFor(c.get('session').userId, c.req.param('sobject'))
    const layout = await services.layouts.forView(view.group)
    const [main, ...others] = layout.readBy(view.group)
    const withRights = (p: FieldGroupRecord): ObjectSchema => ({
      name: view.schema.name,
      fields: Object.fromEntries(
        Object.keys(p.schema.fields).map((f) => [f, view.schema.fields[f] as FieldSchema]),
      ),
    })
    const body: SchemaResponse = {
      schema: withRights(main ?? layout.main),
      partitions: others.map((p) => ({ id: p.id, schema: withRights(p) })),
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
