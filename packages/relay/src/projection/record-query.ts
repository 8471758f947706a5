/** System fields every read of a record selects: what the shadow's server information needs. */
export const SYSTEM_FIELDS: readonly string[] = [
  'Id',
  'SystemModstamp',
  'LastModifiedDate',
  'LastModifiedById',
]

/** A SOQL string literal. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** What a record query selects and filters on. */
export interface RecordQuery {
  sobject: string
  /** Fields besides the system fields. */
  fields: readonly string[]
  ids?: readonly string[]
  /** Draft keys to match on `draftKeyField`. */
  draftKeys?: readonly string[]
  draftKeyField?: string
  /** Only records changed after this SOQL datetime literal (`2026-01-01T00:00:00.000Z`). */
  modifiedAfter?: string
}

/**
 * The SOQL reading records by Id and/or draft key, with the system fields first.
 *
 * @example
 * ```ts
 * recordSoql({ sobject: 'Account', fields: ['Name'], ids: ['001000000000001AAA'] })
 * // "SELECT Id, SystemModstamp, LastModifiedDate, LastModifiedById, Name FROM Account WHERE Id IN ('001000000000001AAA')"
 * ```
 */
export function recordSoql(q: RecordQuery): string {
  const select = selectList(q)
  const keys: string[] = []
  if (q.ids && q.ids.length > 0) keys.push(`Id IN (${q.ids.map(soqlString).join(', ')})`)
  if (q.draftKeys && q.draftKeys.length > 0 && q.draftKeyField) {
    keys.push(`${q.draftKeyField} IN (${q.draftKeys.map(soqlString).join(', ')})`)
  }
  const where = keys.length > 1 ? `(${keys.join(' OR ')})` : (keys[0] ?? 'Id = null')
  const after = q.modifiedAfter ? ` AND SystemModstamp > ${q.modifiedAfter}` : ''
  return `SELECT ${select.join(', ')} FROM ${q.sobject} WHERE ${where}${after}`
}

/**
 * The SOQL reading every record of an object changed after `modifiedAfter` (a SOQL datetime
 * literal), with the system fields first: one query in place of many `Id IN` ones when most
 * records asked for have not changed.
 */
export function changedSoql(q: {
  sobject: string
  fields: readonly string[]
  modifiedAfter: string
}): string {
  return `SELECT ${selectList(q).join(', ')} FROM ${q.sobject} WHERE SystemModstamp > ${q.modifiedAfter}`
}

function selectList(q: Pick<RecordQuery, 'fields' | 'draftKeys' | 'draftKeyField'>): string[] {
  const select = [...SYSTEM_FIELDS]
  if (q.draftKeys && q.draftKeys.length > 0 && q.draftKeyField) select.push(q.draftKeyField)
  for (const f of q.fields) if (!select.includes(f)) select.push(f)
  return select
}

/** The versioned URL of a query (for a Composite subrequest). */
export function queryUrl(apiVersion: string, soql: string): string {
  return `/services/data/v${apiVersion}/query?q=${encodeURIComponent(soql)}`
}
