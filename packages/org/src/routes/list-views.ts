import { Hono } from 'hono'
import { notFound } from '../errors.js'
import { toSalesforceId } from '../ids.js'
import { param, requestContext, slash, V } from '../http/context.js'
import type { OrgContext, OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import type { FieldDef, ObjectDef } from '../schema/types.js'
import { runQuery } from '../soql/execute.js'
import { resolvePath } from '../soql/resolve.js'
import type { OrgState, RequestContext } from '../state.js'
import { allColumns, LIST_VIEWS, listViewQuery, type ListViewDef } from './list-view-defs.js'
import { objectOf } from './sobjects.js'

function summary(version: string, view: ListViewDef): Record<string, unknown> {
  const url = `/services/data/v${version}/sobjects/${view.object}/listviews/${view.id}`
  return {
    describeUrl: `${url}/describe`,
    developerName: view.developerName,
    id: view.id,
    label: view.label,
    resultsUrl: `${url}/results`,
    soqlCompatible: true,
    url,
  }
}

function sortLabels(field: FieldDef): [string, string] {
  if (['int', 'double', 'currency', 'percent'].includes(field.type)) return ['9-0', '0-9']
  if (field.type === 'date' || field.type === 'datetime') return ['New to Old', 'Old to New']
  return ['Z-A', 'A-Z']
}

function columns(
  ctx: RequestContext,
  object: ObjectDef,
  view: ListViewDef,
): Record<string, unknown>[] {
  const all = allColumns(view)
  return all.map((path, i) => {
    const resolved = resolvePath(ctx, object, { path: path.split('.'), pos: 0 }, path)
    const [ascendingLabel, descendingLabel] = sortLabels(resolved.field)
    const sorted = path === view.orderBy
    return {
      ascendingLabel,
      descendingLabel,
      fieldNameOrPath: path,
      hidden: i >= view.columns.length,
      label: resolved.field.label,
      searchable: resolved.field.type === 'string',
      selectListItem: path,
      sortDirection: sorted ? (view.recent ? 'descending' : 'ascending') : null,
      sortIndex: sorted ? 0 : null,
      sortable: resolved.field.sortable,
      type: resolved.field.type,
    }
  })
}

function viewOf(c: OrgContext, object: ObjectDef): ListViewDef {
  const id = toSalesforceId(param(c, 'id'))
  const view = LIST_VIEWS.find(
    (v) => v.object === object.name && (v.id === id || v.developerName === param(c, 'id')),
  )
  if (!view) throw notFound()
  return view
}

function cellValue(row: Record<string, unknown>, path: string): string | null {
  let node: unknown = row
  for (const seg of path.split('.')) {
    if (typeof node !== 'object' || node === null) return null
    node = (node as Record<string, unknown>)[seg]
  }
  if (typeof node === 'string') return node
  return typeof node === 'number' || typeof node === 'boolean' ? String(node) : null
}

/** List views: the list, one view's describe (its SOQL) and its results. */
export function listViewRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  const base = `${V}/sobjects/:type/listviews`

  app.on('GET', slash(base), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const views = LIST_VIEWS.filter((v) => v.object === object.name)
    return sfJson(c, {
      done: true,
      listviews: views.map((v) => summary(ctx.version, v)),
      nextRecordsUrl: null,
      size: views.length,
      sobjectType: object.name,
    })
  })

  app.on('GET', slash(`${base}/:id/describe`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const view = viewOf(c, object)
    return sfJson(c, {
      columns: columns(ctx, object, view),
      id: view.id,
      orderBy: [
        {
          fieldNameOrPath: view.orderBy,
          nullsPosition: view.recent ? 'last' : 'first',
          sortDirection: view.recent ? 'descending' : 'ascending',
        },
        {
          fieldNameOrPath: 'Id',
          nullsPosition: view.recent ? 'last' : 'first',
          sortDirection: view.recent ? 'descending' : 'ascending',
        },
      ],
      query: listViewQuery(view),
      relatedEntityId: null,
      scope: view.scope,
      scopeEntityId: null,
      sobjectType: object.name,
      whereCondition: view.recent
        ? { field: 'LastViewedDate', operator: 'notEquals', values: ['null'] }
        : { conditions: [], conjunction: 'and' },
    })
  })

  app.on('GET', slash(`${base}/:id/results`), (c) => {
    const ctx = requestContext(c, state)
    const object = objectOf(state, c)
    const view = viewOf(c, object)
    const limit = Math.min(2000, Math.max(1, Number(c.req.query('limit') ?? 25) || 25))
    const offset = Math.max(0, Number(c.req.query('offset') ?? 0) || 0)
    const result = runQuery(ctx, `${listViewQuery(view)} LIMIT ${limit} OFFSET ${offset}`, {
      includeDeleted: false,
      batchSize: 2000,
    })
    const cols = columns(ctx, object, view)
    const records = (result.records as Record<string, unknown>[]).map((row) => ({
      columns: cols.map((col) => ({
        fieldNameOrPath: col.fieldNameOrPath,
        value: cellValue(row, String(col.fieldNameOrPath)),
      })),
    }))
    return sfJson(c, {
      columns: cols,
      developerName: view.developerName,
      done: true,
      id: view.id,
      label: view.label,
      records,
      size: records.length,
    })
  })

  app.on('GET', slash(`${base}/:id`), (c) => {
    const ctx = requestContext(c, state)
    return sfJson(c, summary(ctx.version, viewOf(c, objectOf(state, c))))
  })

  return app
}
