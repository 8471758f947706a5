import { ApiError } from '../errors.js'
import type { OrgContext } from './env.js'

/** The answer for a body over the org's size limit. */
export function tooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    'REQUEST_ENTITY_TOO_LARGE',
    `The request body exceeds the maximum size of ${limit} bytes.`,
  )
}

function position(text: string, error: unknown): string {
  const m = error instanceof Error ? /position (\d+)/.exec(error.message) : null
  if (!m) return ''
  const at = Number(m[1])
  const before = text.slice(0, at)
  const line = before.split('\n').length
  const column = at - (before.lastIndexOf('\n') + 1) + 1
  return ` at [line:${line}, column:${column}]`
}

/**
 * Reads a JSON request body: 413 over `limit` bytes, 400 JSON_PARSER_ERROR when empty or
 * malformed (with line and column, as Salesforce's parser reports them).
 */
export async function readJson(c: OrgContext, limit: number): Promise<unknown> {
  const declared = Number(c.req.header('content-length'))
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit)
  const buffer = await c.req.arrayBuffer()
  if (buffer.byteLength > limit) throw tooLarge(limit)
  const text = new TextDecoder().decode(buffer)
  if (text.trim() === '') {
    throw new ApiError(
      400,
      'JSON_PARSER_ERROR',
      'No content to map due to end-of-input at [line:1, column:0]',
    )
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    const pos = position(text, error)
    const m = error instanceof Error ? /position (\d+)/.exec(error.message) : null
    const ch = m ? text.charAt(Number(m[1])) : ''
    const detail = ch
      ? `Unexpected character ('${ch}' (code ${ch.charCodeAt(0)}))`
      : 'Unexpected end-of-input'
    throw new ApiError(400, 'JSON_PARSER_ERROR', `${detail}${pos}`)
  }
}
