import { toSalesforceId } from '../ids.js'
import type { ObjectDef, StoredRecord } from '../schema/types.js'
import type { RequestContext } from '../state.js'
import type { Condition, Literal } from './ast.js'
import { resolvePath } from './resolve.js'

/**
 * The Ids a WHERE clause confines its rows to, when it says so at its top: `Id = '…'` or
 * `Id IN (…)` (not negated), alone or as one item of an AND. Undefined when it does not (every
 * record must be read). Only a narrowing: the whole clause is still applied to each record named.
 */
function idsOf(
  ctx: RequestContext,
  root: ObjectDef,
  cond: Condition,
  soql: string,
): ReadonlySet<string> | undefined {
  if (cond.kind === 'and') {
    for (const item of cond.items) {
      const ids = idsOf(ctx, root, item, soql)
      if (ids) return ids
    }
    return undefined
  }
  let literals: readonly Literal[]
  if (cond.kind === 'compare' && cond.op === '=') literals = [cond.value]
  else if (cond.kind === 'in' && !cond.negated) literals = cond.values
  else return undefined
  const path = resolvePath(ctx, root, cond.field, soql)
  if (path.hops.length > 0 || path.field.type !== 'id') return undefined
  const ids = new Set<string>()
  for (const literal of literals) {
    // Other literals (null) match no record's Id; a malformed Id is refused by the filter.
    const id = literal.kind === 'string' ? toSalesforceId(literal.value) : undefined
    if (id) ids.add(id)
  }
  return ids
}

/**
 * The records of `root` a query has to look at: with `Id = '…'` / `Id IN (…)` at the top of its
 * WHERE clause, only those records, read from the table by Id (deleted ones too, as a scan reads
 * them); otherwise every record of the object.
 */
export function candidateRecords(
  ctx: RequestContext,
  root: ObjectDef,
  where: Condition | null,
  soql: string,
): Iterable<Readonly<StoredRecord>> {
  const ids = where ? idsOf(ctx, root, where, soql) : undefined
  if (!ids) return ctx.state.store.all(root.name)
  const records: Readonly<StoredRecord>[] = []
  for (const id of ids) {
    const record = ctx.state.store.peek(root.name, id)
    if (record) records.push(record)
  }
  return records
}
