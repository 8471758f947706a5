/** Most Ids one `WHERE Id IN (…)` names (keeps the query URL well under Salesforce's limits). */
export const MAX_IDS_PER_QUERY = 200

/** A SOQL string literal: quoted, with `\` and `'` escaped. */
export function soqlQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** A LIKE pattern matching `text` anywhere, with `%` and `_` in it taken literally. */
export function soqlContains(text: string): string {
  return `'%${text.replace(/[\\'%_]/g, (c) => `\\${c}`)}%'`
}

/** Splits a list into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** `SELECT <fields> FROM <sobject> WHERE Id IN (<ids>)`. */
export function byIdsSoql(
  sobject: string,
  fields: readonly string[],
  ids: readonly string[],
): string {
  return `SELECT ${fields.join(', ')} FROM ${sobject} WHERE Id IN (${ids.map(soqlQuote).join(', ')})`
}
