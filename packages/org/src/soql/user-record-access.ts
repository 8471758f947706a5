import { ApiError } from '../errors.js'
import { toSalesforceId } from '../ids.js'
import type { RecordAccess } from '../security/access.js'
import { atLeast, recordAccess } from '../security/access.js'
import type { RequestContext } from '../state.js'
import type { Condition, Literal, SelectQuery } from './ast.js'
import { malformed, soqlError } from './errors.js'
import type { QueryResult } from './execute.js'

/** The object name Salesforce answers record-access questions with. */
export const USER_RECORD_ACCESS = 'UserRecordAccess'

/** Salesforce's limit on the RecordIds of one UserRecordAccess query. */
const MAX_RECORD_IDS = 200

const FIELDS: Readonly<Record<string, (access: RecordAccess, id: string) => unknown>> = {
  recordid: (_a, id) => id,
  hasreadaccess: (a) => atLeast(a, 'read'),
  haseditaccess: (a) => atLeast(a, 'edit'),
  hasdeleteaccess: (a) => atLeast(a, 'full'),
  hastransferaccess: (a) => atLeast(a, 'full'),
  hasallaccess: (a) => atLeast(a, 'full'),
  maxaccesslevel: (a) => ({ none: 'None', read: 'Read', edit: 'Edit', full: 'All' })[a],
}
const CANONICAL: Readonly<Record<string, string>> = {
  recordid: 'RecordId',
  hasreadaccess: 'HasReadAccess',
  haseditaccess: 'HasEditAccess',
  hasdeleteaccess: 'HasDeleteAccess',
  hastransferaccess: 'HasTransferAccess',
  hasallaccess: 'HasAllAccess',
  maxaccesslevel: 'MaxAccessLevel',
}

function stringOf(literal: Literal): string | undefined {
  return literal.kind === 'string' ? literal.value : undefined
}

/** `UserId = '…'` and `RecordId = '…'` or `RecordId IN (…)`, joined by AND, nothing else. */
function filterOf(query: SelectQuery): { userId?: string; recordIds?: string[] } {
  const out: { userId?: string; recordIds?: string[] } = {}
  const visit = (c: Condition): void => {
    if (c.kind === 'and') {
      for (const item of c.items) visit(item)
      return
    }
    const field = c.kind === 'compare' || c.kind === 'in' ? c.field.path.join('.') : ''
    if (c.kind === 'compare' && c.op === '=' && field.toLowerCase() === 'userid') {
      const v = stringOf(c.value)
      if (v !== undefined) out.userId = v
    } else if (c.kind === 'compare' && c.op === '=' && field.toLowerCase() === 'recordid') {
      const v = stringOf(c.value)
      if (v !== undefined) out.recordIds = [v]
    } else if (c.kind === 'in' && !c.negated && field.toLowerCase() === 'recordid') {
      out.recordIds = c.values.map(stringOf).filter((v): v is string => v !== undefined)
    } else {
      throw malformed(
        query.soql,
        'pos' in c ? c.pos : query.from.pos,
        'UserRecordAccess can only be filtered by UserId = and RecordId = or RecordId IN, joined by AND',
      )
    }
  }
  if (query.where) visit(query.where)
  return out
}

/**
 * A `UserRecordAccess` query, as Salesforce answers it: the caller's access (read, edit, delete,
 * transfer, all; `MaxAccessLevel`) to each record of `RecordId = …` / `RecordId IN (…)` (at most
 * 200), for `UserId = …`, which must be given. Sharing decides (owner and the owner's managers
 * get all access; otherwise the object's sharing model), capped by the profile's object
 * permissions. Unknown or deleted records answer no access. (Emulator: a user may ask about their
 * own access only.)
 */
export function runUserRecordAccess(ctx: RequestContext, query: SelectQuery): QueryResult {
  const { userId, recordIds } = filterOf(query)
  if (userId === undefined || recordIds === undefined || recordIds.length === 0) {
    throw malformed(
      query.soql,
      query.from.pos,
      'UserRecordAccess queries need UserId = and RecordId = or RecordId IN in the WHERE clause',
    )
  }
  if (recordIds.length > MAX_RECORD_IDS) {
    throw malformed(
      query.soql,
      query.from.pos,
      `UserRecordAccess queries may name at most ${MAX_RECORD_IDS} RecordIds`,
    )
  }
  if (toSalesforceId(userId) !== toSalesforceId(ctx.caller.userId)) {
    throw new ApiError(403, 'INSUFFICIENT_ACCESS', 'insufficient access rights on object id')
  }
  const columns = query.select.map((item) => {
    const name = item.kind === 'field' ? item.path.join('.').toLowerCase() : ''
    const column = FIELDS[name]
    if (!column)
      throw soqlError('INVALID_FIELD', query.soql, item.pos, 'No such column on UserRecordAccess')
    return { name: CANONICAL[name] ?? name, column }
  })
  const records = recordIds.map((given) => {
    const id = toSalesforceId(given) ?? given
    const object = ctx.state.schema.byPrefix(id.slice(0, 3))
    const record = object ? ctx.state.store.get(object.name, id) : undefined
    const access: RecordAccess =
      object && record && record.IsDeleted !== true
        ? recordAccess(ctx.state.store, ctx.caller, object, record)
        : 'none'
    const row: Record<string, unknown> = { attributes: { type: USER_RECORD_ACCESS } }
    for (const { name, column } of columns) row[name] = column(access, id)
    return row
  })
  return { totalSize: records.length, done: true, records }
}
