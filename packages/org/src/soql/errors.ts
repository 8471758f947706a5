import { ApiError } from '../errors.js'

/**
 * A SOQL error in Salesforce's format: the query line, a caret under the problem,
 * `ERROR at Row:r:Column:c` and the detail.
 */
export function soqlError(code: string, soql: string, pos: number, detail: string): ApiError {
  const before = soql.slice(0, Math.max(0, pos))
  const row = before.split('\n').length
  const lineStart = before.lastIndexOf('\n') + 1
  const column = pos - lineStart + 1
  const line = soql.split('\n')[row - 1] ?? ''
  return new ApiError(
    400,
    code,
    `${line}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:${row}:Column:${column}\n${detail}`,
  )
}

/** MALFORMED_QUERY at a position. */
export function malformed(soql: string, pos: number, detail: string): ApiError {
  return soqlError('MALFORMED_QUERY', soql, pos, detail)
}
