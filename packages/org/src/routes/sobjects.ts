import { Hono } from 'hono'
import { parseHttpDate, toSecond } from '../datetime.js'
import { createRecord, deleteRecord, updateRecord } from '../dml/save.js'
import { loadReadable, parseRecordId } from '../dml/lookup.js'
import { renderFor, requestedFields } from '../dml/retrieve.js'
import { externalIdMissing } from '../dml/upsert.js'
import { ApiError, notFound } from '../errors.js'
import { looksLikeId } from '../ids.js'
import { readJson } from '../http/body.js'
import { param, requestContext, slash, V } from '../http/context.js'
import type { OrgContext, OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import { describeGlobal, describeGlobalObject, describeObject } from '../schema/describe.js'
import type { ObjectDef } from '../schema/types.js'
import { recordUrl } from '../store/render.js'
import type { OrgState, RequestContext } from '../state.js'
import { recentItems } from './recent-items.js'

/** The object named in the path; 404 NOT_FOUND when the org has none by that name. */
export function objectOf(state: OrgState, c: OrgContext): ObjectDef {
  const object = state.schema.object(param(c, 'type') ?? '')
  if (!object) throw notFound()
  return object
}

/** The record Id in the path, or the Salesforce answer for what it is instead. */
export function idParam(object: ObjectDef, raw: string): string {
  if (!looksLikeId(raw)) throw externalIdMissing(raw)
  return parseRecordId(object, raw)
}

function conditional(c: OrgContext, name: string): number | undefined {
  const raw = c.req.header(name)
  if (raw === undefined) return undefined
  const ms = parseHttpDate(raw)
  if (ms === undefined) {
    throw new ApiError(400, 'INVALID_HEADER', `Invalid value for header ${name}: ${raw}`)
  }
  return ms
}

function retrieve(ctx: RequestContext, c: OrgContext, object: ObjectDef, id: string): Response {
  const record = loadReadable(ctx, object, id)
  const modified = toSecond(Number(record.LastModifiedDate))
  const unmodifiedSince = conditional(c, 'if-unmodified-since')
  if (unmodifiedSince !== undefined && modified > toSecond(unmodifiedSince)) {
    throw new ApiError(
      412,
      'PRECONDITION_FAILED',
      `The requested resource has been modified since ${new Date(unmodifiedSince).toUTCString()}.`,
    )
  }
  const modifiedSince = conditional(c, 'if-modified-since')
  if (modifiedSince !== undefined && modified <= toSecond(modifiedSince)) return c.body(null, 304)
  const fields = requestedFields(ctx, object, c.req.query('fields'))
  return sfJson(c, renderFor(ctx, object, record, fields))
}

/** Describe, basic information, create, retrieve, update and delete of sObject rows. */
export function sobjectRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()

  app.on('GET', slash(`${V}/sobjects`), (c) => {
    const ctx = requestContext(c, state)
    return sfJson(c, describeGlobal(state.schema, ctx.caller, ctx.version))
  })

  app.on('GET', slash(`${V}/sobjects/:type/describe`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    return sfJson(c, describeObject(state.schema, ctx.caller, object, ctx.version))
  })

  app.on('GET', slash(`${V}/sobjects/:type`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    return sfJson(c, {
      objectDescribe: describeGlobalObject(ctx.caller, object, ctx.version),
      recentItems: recentItems(ctx, { object, limit: 200 }),
    })
  })

  app.on('POST', slash(`${V}/sobjects/:type`), async (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const body = await readJson(c, state.maxBodyBytes)
    const id = createRecord(ctx, object, body)
    return sfJson(c, { id, success: true, errors: [] }, 201, {
      Location: recordUrl(ctx.version, object.name, id),
    })
  })

  app.on('GET', slash(`${V}/sobjects/:type/:id`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    return retrieve(ctx, c, object, idParam(object, param(c, 'id')))
  })

  app.on('PATCH', slash(`${V}/sobjects/:type/:id`), async (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const id = idParam(object, param(c, 'id'))
    const ifUnmodifiedSince = conditional(c, 'if-unmodified-since')
    const body = await readJson(c, state.maxBodyBytes)
    updateRecord(
      ctx,
      object,
      id,
      body,
      ifUnmodifiedSince === undefined ? {} : { ifUnmodifiedSince },
    )
    return c.body(null, 204)
  })

  app.on('DELETE', slash(`${V}/sobjects/:type/:id`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    deleteRecord(ctx, object, idParam(object, param(c, 'id')))
    return c.body(null, 204)
  })

  return app
}
