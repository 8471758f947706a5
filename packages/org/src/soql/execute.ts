import { toSecond } from '../datetime.js'
import { ApiError } from '../errors.js'
import type { ObjectDef, StoredRecord } from '../schema/types.js'
import { recordAccess } from '../security/access.js'
import { objectPermissions } from '../security/profiles.js'
import { apiValue, attributes } from '../store/render.js'
import type { RequestContext } from '../state.js'
import type { SelectItem, SelectQuery } from './ast.js'
import { soqlError } from './errors.js'
import { compareValues, compileWhere } from './filter.js'
import { candidateRecords } from './id-lookup.js'
import { parseSoql } from './parser.js'
import { resolvePath, walk, valueOf, type ResolvedPath } from './resolve.js'
import { USER_RECORD_ACCESS, runUserRecordAccess } from './user-record-access.js'

/** The body of a query answer. */
export interface QueryResult {
  totalSize: number
  done: boolean
  records: unknown[]
  nextRecordsUrl?: string
}

/** Options of one query call. */
export interface QueryOptions {
  /** `/queryAll`: include deleted records. */
  includeDeleted: boolean
  /** Rows per page (200–2000). */
  batchSize: number
}

const MAX_OFFSET = 2000

function invalidType(query: SelectQuery): ApiError {
  return soqlError(
    'INVALID_TYPE',
    query.soql,
    query.from.pos,
    `sObject type '${query.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  )
}

/** A child relationship subquery, ready to run per parent row. */
interface ChildPlan {
  readonly name: string
  readonly object: ObjectDef
  readonly field: string
  readonly paths: readonly ResolvedPath[]
  readonly where: (r: Readonly<StoredRecord>) => boolean
  readonly order: readonly Order[]
  readonly limit: number | null
}

/** One output column: a field path or a child relationship. */
type Column = { kind: 'path'; path: ResolvedPath } | { kind: 'children'; plan: ChildPlan }

interface Order {
  readonly path: ResolvedPath
  readonly descending: boolean
  readonly nullsLast: boolean
}

function compileOrder(ctx: RequestContext, root: ObjectDef, query: SelectQuery): Order[] {
  return query.orderBy.map((o) => {
    const path = resolvePath(ctx, root, o.field, query.soql)
    if (!path.field.sortable) {
      throw soqlError(
        'INVALID_FIELD',
        query.soql,
        path.pos,
        `field '${path.field.name}' can not be sorted in a query call`,
      )
    }
    return { path, descending: o.descending, nullsLast: o.nullsLast }
  })
}

function sortRows(
  ctx: RequestContext,
  rows: Readonly<StoredRecord>[],
  order: readonly Order[],
): void {
  rows.sort((a, b) => {
    for (const o of order) {
      const x = valueOf(ctx, a, o.path)
      const y = valueOf(ctx, b, o.path)
      if (x === null || y === null) {
        if (x === y) continue
        return (x === null) === o.nullsLast ? 1 : -1
      }
      const c = compareValues(x, y)
      if (c !== 0) return o.descending ? -c : c
    }
    return String(a.Id) < String(b.Id) ? -1 : String(a.Id) > String(b.Id) ? 1 : 0
  })
}

function resolveFields(
  ctx: RequestContext,
  root: ObjectDef,
  query: SelectQuery,
  items: readonly SelectItem[],
): ResolvedPath[] {
  const seen = new Set<string>()
  const paths: ResolvedPath[] = []
  for (const item of items) {
    if (item.kind !== 'field') continue
    const path = resolvePath(ctx, root, item, query.soql)
    if (seen.has(path.key.toLowerCase())) {
      throw soqlError(
        'INVALID_FIELD',
        query.soql,
        item.pos,
        `duplicate field selected: ${path.key}`,
      )
    }
    seen.add(path.key.toLowerCase())
    paths.push(path)
  }
  return paths
}

function childPlan(
  ctx: RequestContext,
  root: ObjectDef,
  sub: SelectQuery,
  options: QueryOptions,
): ChildPlan {
  const rel = ctx.state.schema
    .children(root)
    .find((r) => r.relationshipName?.toLowerCase() === sub.from.name.toLowerCase())
  const object = rel ? ctx.state.schema.object(rel.childSObject) : undefined
  if (
    !rel?.relationshipName ||
    !object ||
    !objectPermissions(ctx.caller.profile, object.name).read
  ) {
    throw soqlError(
      'INVALID_TYPE',
      sub.soql,
      sub.from.pos,
      `Didn't understand relationship '${sub.from.name}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
    )
  }
  const filter = sub.where ? compileWhere(ctx, object, sub.where, sub.soql) : () => true
  return {
    name: rel.relationshipName,
    object,
    field: rel.field,
    paths: resolveFields(ctx, object, sub, sub.select),
    where: (r) => (options.includeDeleted || r.IsDeleted !== true) && filter(r),
    order: compileOrder(ctx, object, sub),
    limit: sub.limit,
  }
}

function renderPath(
  ctx: RequestContext,
  out: Record<string, unknown>,
  record: Readonly<StoredRecord>,
  path: ResolvedPath,
): void {
  if (path.hops.length === 0) {
    out[path.field.name] = apiValue(path.field, valueOf(ctx, record, path))
    return
  }
  const chain = walk(ctx, record, path.hops)
  let node = out
  for (let i = 0; i < path.hops.length; i++) {
    const hop = path.hops[i]
    const step = chain[i]
    if (!hop) return
    if (!step) {
      if (!(hop.name in node)) node[hop.name] = null
      return
    }
    const existing = node[hop.name]
    if (typeof existing === 'object' && existing !== null) {
      node = existing as Record<string, unknown>
    } else {
      const child: Record<string, unknown> = {
        attributes: attributes(ctx.version, step.object.name, String(step.record.Id)),
      }
      node[hop.name] = child
      node = child
    }
  }
  node[path.field.name] = apiValue(path.field, valueOf(ctx, record, path))
}

function renderChildren(
  ctx: RequestContext,
  parent: Readonly<StoredRecord>,
  plan: ChildPlan,
): unknown {
  const rows: Readonly<StoredRecord>[] = []
  for (const r of ctx.state.store.all(plan.object.name)) {
    if (r[plan.field] !== parent.Id || !plan.where(r)) continue
    if (recordAccess(ctx.state.store, ctx.caller, plan.object, r) === 'none') continue
    rows.push(r)
  }
  if (rows.length === 0) return null
  sortRows(ctx, rows, plan.order)
  const kept = plan.limit === null ? rows : rows.slice(0, plan.limit)
  return {
    totalSize: kept.length,
    done: true,
    records: kept.map((r) =>
      render(
        ctx,
        plan.object,
        r,
        plan.paths.map((path) => ({ kind: 'path', path })),
      ),
    ),
  }
}

function render(
  ctx: RequestContext,
  root: ObjectDef,
  record: Readonly<StoredRecord>,
  columns: readonly Column[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: attributes(ctx.version, root.name, String(record.Id)),
  }
  for (const column of columns) {
    if (column.kind === 'path') renderPath(ctx, out, record, column.path)
    else out[column.plan.name] = renderChildren(ctx, record, column.plan)
  }
  return out
}

function select(
  ctx: RequestContext,
  query: SelectQuery,
  options: QueryOptions,
): { root: ObjectDef; rows: Readonly<StoredRecord>[]; columns: Column[]; count: boolean } {
  const root = ctx.state.schema.object(query.from.name)
  if (!root || !objectPermissions(ctx.caller.profile, root.name).read) throw invalidType(query)
  const paths = resolveFields(ctx, root, query, query.select)
  const columns: Column[] = []
  let p = 0
  for (const item of query.select) {
    if (item.kind === 'field') {
      const path = paths[p++]
      if (path) columns.push({ kind: 'path', path })
    } else if (item.kind === 'subquery') {
      columns.push({ kind: 'children', plan: childPlan(ctx, root, item.query, options) })
    }
  }
  const count = query.select.some((s) => s.kind === 'count')
  const where = query.where ? compileWhere(ctx, root, query.where, query.soql) : () => true
  const order = compileOrder(ctx, root, query)
  if (query.offset !== null && query.offset > MAX_OFFSET) {
    throw new ApiError(
      400,
      'NUMBER_OUTSIDE_VALID_RANGE',
      `Maximum SOQL offset allowed is ${MAX_OFFSET}`,
    )
  }
  let rows: Readonly<StoredRecord>[] = []
  for (const r of candidateRecords(ctx, root, query.where, query.soql)) {
    if (r.IsDeleted === true && !options.includeDeleted) continue
    if (query.scope === 'mine' && root.owned && r.OwnerId !== ctx.caller.userId) continue
    if (recordAccess(ctx.state.store, ctx.caller, root, r) === 'none') continue
    if (where(r)) rows.push(r)
  }
  sortRows(ctx, rows, order)
  const offset = query.offset ?? 0
  rows = rows.slice(offset, query.limit === null ? undefined : offset + query.limit)
  return { root, rows, columns, count }
}

/**
 * Runs a SOQL query for the caller: sharing and field-level security apply, deleted records
 * only with `includeDeleted`. `FOR VIEW` / `FOR REFERENCE` mark the returned records for the
 * caller. The first page is returned; the rest wait behind `nextRecordsUrl`.
 */
export function runQuery(ctx: RequestContext, soql: string, options: QueryOptions): QueryResult {
  const query = parseSoql(soql)
  if (query.from.name.toLowerCase() === USER_RECORD_ACCESS.toLowerCase()) {
    return runUserRecordAccess(ctx, query)
  }
  const { root, rows, columns, count } = select(ctx, query, options)
  if (query.forView || query.forReference) {
    const at = toSecond(ctx.now)
    for (const r of rows) {
      if (query.forView) ctx.state.store.mark(ctx.caller.userId, String(r.Id), 'viewed', at)
      ctx.state.store.mark(ctx.caller.userId, String(r.Id), 'referenced', at)
    }
    if (rows.length > 0) ctx.state.changed()
  }
  if (count) return { totalSize: rows.length, done: true, records: [] }
  const rendered = rows.map((r) => render(ctx, root, r, columns))
  return firstPage(ctx, rendered, options.batchSize)
}

/** Pages rendered rows: the first batch now, a cursor for the rest. */
export function firstPage(ctx: RequestContext, rows: unknown[], batchSize: number): QueryResult {
  if (rows.length <= batchSize) return { totalSize: rows.length, done: true, records: rows }
  const locator = ctx.state.cursors.open(ctx.caller.userId, rows, batchSize)
  return {
    totalSize: rows.length,
    done: false,
    records: rows.slice(0, batchSize),
    nextRecordsUrl: `/services/data/v${ctx.version}/query/${locator}-${batchSize}`,
  }
}

/** The page of a cursor at `<locator>-<offset>`; INVALID_QUERY_LOCATOR when unknown. */
export function nextPage(
  ctx: RequestContext,
  locatorPath: string,
  batchSize: number | null,
): QueryResult {
  const m = /^([A-Za-z0-9]{15,18})-(\d+)$/.exec(locatorPath)
  const cursor = m?.[1] ? ctx.state.cursors.get(m[1], ctx.caller.userId) : undefined
  if (!m?.[1] || !cursor) throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator')
  const offset = Number(m[2])
  const size = batchSize ?? cursor.batchSize
  const records = cursor.rows.slice(offset, offset + size)
  const end = offset + records.length
  const result: QueryResult = {
    totalSize: cursor.rows.length,
    done: end >= cursor.rows.length,
    records,
  }
  if (!result.done) result.nextRecordsUrl = `/services/data/v${ctx.version}/query/${m[1]}-${end}`
  return result
}
