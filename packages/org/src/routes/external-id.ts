import { Hono } from 'hono'
import { findByExternalId } from '../dml/lookup.js'
import { renderFor, requestedFields } from '../dml/retrieve.js'
import { deleteRecord } from '../dml/save.js'
import { externalIdField, upsertRecord } from '../dml/upsert.js'
import { coerceValue } from '../dml/coerce.js'
import { createRecord } from '../dml/save.js'
import { notFound } from '../errors.js'
import { readJson } from '../http/body.js'
import { param, requestContext, slash, V } from '../http/context.js'
import type { OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import { recordUrl } from '../store/render.js'
import type { OrgState } from '../state.js'
import { objectOf } from './sobjects.js'

/** Rows by external Id: upsert (PATCH), retrieve (GET) and delete (DELETE). */
export function externalIdRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()

  app.on('PATCH', slash(`${V}/sobjects/:type/:field/:value`), async (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const field = externalIdField(ctx, object, param(c, 'field'))
    const body = await readJson(c, state.maxBodyBytes)
    const { id, created } = upsertRecord(ctx, object, field, param(c, 'value'), body)
    return sfJson(
      c,
      { id, success: true, errors: [], created },
      created ? 201 : 200,
      created ? { Location: recordUrl(ctx.version, object.name, id) } : {},
    )
  })

  app.on('POST', slash(`${V}/sobjects/:type/Id`), async (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const body = await readJson(c, state.maxBodyBytes)
    const id = createRecord(ctx, object, body)
    return sfJson(c, { id, success: true, errors: [], created: true }, 201, {
      Location: recordUrl(ctx.version, object.name, id),
    })
  })

  app.on('GET', slash(`${V}/sobjects/:type/:field/:value`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const field = externalIdField(ctx, object, param(c, 'field'))
    const value = coerceValue(field, param(c, 'value'))
    const record = findByExternalId(ctx, object, field, value)
    if (!record) throw notFound()
    return sfJson(
      c,
      renderFor(ctx, object, record, requestedFields(ctx, object, c.req.query('fields'))),
    )
  })

  app.on('DELETE', slash(`${V}/sobjects/:type/:field/:value`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const field = externalIdField(ctx, object, param(c, 'field'))
    const record = findByExternalId(ctx, object, field, coerceValue(field, param(c, 'value')))
    if (!record) throw notFound()
    deleteRecord(ctx, object, String(record.Id))
    return c.body(null, 204)
  })

  return app
}
