import { parseDateTime } from '../datetime.js'
import { malformed } from './errors.js'

/** A SOQL token; `pos` is its offset in the query. */
export type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'date'; value: string; pos: number }
  | { kind: 'datetime'; value: number; text: string; pos: number }
  | { kind: 'op'; text: '=' | '!=' | '<' | '<=' | '>' | '>='; pos: number }
  | { kind: 'punct'; text: '(' | ')' | ',' | '.' | ':'; pos: number }
  | { kind: 'eof'; pos: number }

const DATE = /^\d{4}-\d{2}-\d{2}/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/
const NUMBER = /^-?\d+(?:\.\d+)?/
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/
const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
}

function readString(soql: string, start: number): { value: string; end: number } {
  let value = ''
  let i = start + 1
  while (i < soql.length) {
    const c = soql.charAt(i)
    if (c === "'") return { value, end: i + 1 }
    if (c === '\\') {
      const next = soql.charAt(i + 1)
      const mapped = ESCAPES[next]
      if (mapped !== undefined) value += mapped
      else if (next === '%' || next === '_') value += `\\${next}`
      else
        throw malformed(
          soql,
          i,
          `Invalid string literal '${soql.slice(start, i + 2)}'. Illegal character sequence '\\${next}' in string literal.`,
        )
      i += 2
      continue
    }
    value += c
    i += 1
  }
  throw malformed(soql, start, 'unexpected token: end of query (unterminated string literal)')
}

/** Splits SOQL into tokens; unknown characters answer MALFORMED_QUERY. */
export function tokenize(soql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < soql.length) {
    const c = soql.charAt(i)
    if (/\s/.test(c)) {
      i += 1
      continue
    }
    const rest = soql.slice(i)
    if (c === "'") {
      const { value, end } = readString(soql, i)
      tokens.push({ kind: 'string', value, pos: i })
      i = end
      continue
    }
    const dt = DATETIME.exec(rest)
    if (dt) {
      const ms = parseDateTime(dt[0])
      if (ms === undefined) throw malformed(soql, i, `Invalid date: ${dt[0]}`)
      tokens.push({ kind: 'datetime', value: ms, text: dt[0], pos: i })
      i += dt[0].length
      continue
    }
    const d = DATE.exec(rest)
    if (d) {
      if (parseDateTime(d[0]) === undefined) throw malformed(soql, i, `Invalid date: ${d[0]}`)
      tokens.push({ kind: 'date', value: d[0], pos: i })
      i += d[0].length
      continue
    }
    const num = NUMBER.exec(rest)
    if (num && (c !== '-' || /\d/.test(soql.charAt(i + 1)))) {
      tokens.push({ kind: 'number', value: Number(num[0]), text: num[0], pos: i })
      i += num[0].length
      continue
    }
    const id = IDENT.exec(rest)
    if (id) {
      tokens.push({ kind: 'ident', text: id[0], pos: i })
      i += id[0].length
      continue
    }
    const two = rest.slice(0, 2)
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', text: two === '<>' ? '!=' : two, pos: i })
      i += 2
      continue
    }
    if (c === '=' || c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c, pos: i })
      i += 1
      continue
    }
    if (c === '(' || c === ')' || c === ',' || c === '.' || c === ':') {
      tokens.push({ kind: 'punct', text: c, pos: i })
      i += 1
      continue
    }
    throw malformed(soql, i, `unexpected token: '${c}'`)
  }
  tokens.push({ kind: 'eof', pos: soql.length })
  return tokens
}
