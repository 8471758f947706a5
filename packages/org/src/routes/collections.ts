import { Hono } from 'hono'
import { runItems, type ItemResult } from '../dml/batch.js'
import { loadReadable } from '../dml/lookup.js'
import { renderFor, requestedFields } from '../dml/retrieve.js'
import { createRecord, deleteRecord, updateRecord } from '../dml/save.js'
import { externalIdField, upsertRecord } from '../dml/upsert.js'
import { ApiError } from '../errors.js'
import { toSalesforceId } from '../ids.js'
import { readJson } from '../http/body.js'
import { param, requestContext, slash, V } from '../http/context.js'
import type { OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import type { ObjectDef } from '../schema/types.js'
import type { OrgState, RequestContext } from '../state.js'
import { objectOf } from './sobjects.js'

const MAX_RECORDS = 200
const MAX_RETRIEVE = 2000

type Json = Record<string, unknown>

function tooMany(): ApiError {
  return new ApiError(
    400,
    'EXCEEDED_ID_LIMIT',
    'record limit reached. cannot submit more than 200 records into this call',
  )
}

/** `{ allOrNone, records }` of a Collections body, checked. */
function parseBatch(body: unknown): { allOrNone: boolean; records: Json[] } {
  const b =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Json) : undefined
  const records = b?.records
  if (
    !b ||
    !Array.isArray(records) ||
    records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))
  ) {
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      'Cannot deserialize the request: expected { "allOrNone": boolean, "records": [ {...} ] }',
    )
  }
  if (records.length > MAX_RECORDS) throw tooMany()
  if (b.allOrNone !== undefined && typeof b.allOrNone !== 'boolean') {
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of boolean from value ${JSON.stringify(b.allOrNone)}`,
    )
  }
  return { allOrNone: b.allOrNone === true, records: records as Json[] }
}

function typeOf(ctx: RequestContext, record: Json): ObjectDef {
  const attributes = record.attributes
  const name =
    typeof attributes === 'object' &&
    attributes !== null &&
    typeof (attributes as Json).type === 'string'
      ? String((attributes as Json).type)
      : undefined
  const object = name === undefined ? undefined : ctx.state.schema.object(name)
  if (!object) throw new ApiError(400, 'INVALID_TYPE', 'Must send a concrete entity type.', [])
  return object
}

function withoutKeys(record: Json, keys: readonly string[]): Json {
  const lower = keys.map((k) => k.toLowerCase())
  return Object.fromEntries(
    Object.entries(record).filter(([k]) => !lower.includes(k.toLowerCase())),
  )
}

function idIn(record: Json): string | undefined {
  const raw = record.id ?? record.Id ?? record.ID
  return typeof raw === 'string' ? raw : undefined
}

/** sObject Collections: create, update, upsert, delete and retrieve up to 200 records. */
export function collectionRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  const base = `${V}/composite/sobjects`

  app.on('POST', slash(base), async (c) => {
    const ctx = requestContext(c, state)
    const { allOrNone, records } = parseBatch(await readJson(c, state.maxBodyBytes))
    const results = runItems(state.store, records, allOrNone, (record): ItemResult => {
      const object = typeOf(ctx, record)
      if (idIn(record) !== undefined) {
        throw new ApiError(400, 'INVALID_FIELD', 'cannot specify Id in an insert call', [])
      }
      const id = createRecord(ctx, object, withoutKeys(record, ['attributes']))
      return { id, success: true, errors: [] }
    })
    return sfJson(c, results)
  })

  app.on('PATCH', slash(base), async (c) => {
    const ctx = requestContext(c, state)
    const { allOrNone, records } = parseBatch(await readJson(c, state.maxBodyBytes))
    const results = runItems(
      state.store,
      records,
      allOrNone,
      (record): ItemResult => {
        const raw = idIn(record)
        if (raw === undefined)
          throw new ApiError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', [])
        const object = typeOf(ctx, record)
        const id = toSalesforceId(raw)
        if (!id || !id.startsWith(object.keyPrefix)) {
          throw new ApiError(
            400,
            'MALFORMED_ID',
            `${object.label} ID: id value of incorrect type: ${raw}`,
            ['Id'],
          )
        }
        updateRecord(ctx, object, id, withoutKeys(record, ['attributes', 'id']))
        return { id, success: true, errors: [] }
      },
      (record) => {
        const raw = idIn(record)
        return raw === undefined ? undefined : (toSalesforceId(raw) ?? undefined)
      },
    )
    return sfJson(c, results)
  })

  app.on('DELETE', slash(base), (c) => {
    const ctx = requestContext(c, state)
    const ids = (c.req.query('ids') ?? '').split(',').filter((s) => s !== '')
    if (ids.length > MAX_RECORDS) throw tooMany()
    const allOrNone = c.req.query('allOrNone') === 'true'
    const results = runItems(
      state.store,
      ids,
      allOrNone,
      (raw): ItemResult => {
        const id = toSalesforceId(raw)
        const object = id ? state.schema.byPrefix(id.slice(0, 3)) : undefined
        if (!id || !object) throw new ApiError(400, 'MALFORMED_ID', `malformed id ${raw}`, [])
        deleteRecord(ctx, object, id)
        return { id, success: true, errors: [] }
      },
      (raw) => toSalesforceId(raw) ?? undefined,
    )
    return sfJson(c, results)
  })

  const retrieve = (
    ctx: RequestContext,
    object: ObjectDef,
    ids: unknown,
    fields: unknown,
  ): unknown[] => {
    if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string')) {
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'ids must be an array of record Ids')
    }
    if (ids.length > MAX_RETRIEVE)
      throw new ApiError(400, 'EXCEEDED_ID_LIMIT', 'Cannot retrieve more than 2000 records')
    if (
      !Array.isArray(fields) ||
      fields.length === 0 ||
      fields.some((f) => typeof f !== 'string')
    ) {
      throw new ApiError(400, 'INVALID_FIELD', 'fields must be a non-empty array of field names')
    }
    const list = requestedFields(ctx, object, fields.join(','))
    return (ids as string[]).map((raw) => {
      const id = toSalesforceId(raw)
      if (!id) throw new ApiError(400, 'MALFORMED_ID', `malformed id ${raw}`)
      if (!id.startsWith(object.keyPrefix)) return null
      try {
        return renderFor(ctx, object, loadReadable(ctx, object, id), list)
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null
        throw error
      }
    })
  }

  app.on('POST', slash(`${base}/:type`), async (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const body = await readJson(c, state.maxBodyBytes)
    const b = typeof body === 'object' && body !== null ? (body as Json) : {}
    return sfJson(c, retrieve(ctx, object, b.ids, b.fields))
  })

  app.on('GET', slash(`${base}/:type`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const split = (v: string | undefined): string[] => (v ?? '').split(',').filter((s) => s !== '')
    return sfJson(c, retrieve(ctx, object, split(c.req.query('ids')), split(c.req.query('fields'))))
  })

  app.on('PATCH', slash(`${base}/:type/:field`), async (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const field = externalIdField(ctx, object, param(c, 'field'))
    if (field.name === 'Id')
      throw new ApiError(
        400,
        'INVALID_FIELD',
        "Only external ids are supported. Don't use record ids.",
      )
    const { allOrNone, records } = parseBatch(await readJson(c, state.maxBodyBytes))
    const results = runItems(state.store, records, allOrNone, (record): ItemResult => {
      const type = typeOf(ctx, record)
      if (type !== object) {
        throw new ApiError(400, 'INVALID_TYPE', `Records must all be of type ${object.name}`, [])
      }
      const key = Object.keys(record).find((k) => k.toLowerCase() === field.name.toLowerCase())
      const value = key === undefined ? undefined : record[key]
      if (value === '')
        throw new ApiError(400, 'MISSING_ARGUMENT', `${field.name} not specified`, [field.name])
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new ApiError(400, 'MISSING_ARGUMENT', `${field.name} not specified`, [field.name])
      }
      const { id, created } = upsertRecord(
        ctx,
        object,
        field,
        typeof value === 'number' ? String(value) : value,
        withoutKeys(record, ['attributes', field.name]),
      )
      return { id, success: true, errors: [], created }
    })
    return sfJson(c, results)
  })

  return app
}
