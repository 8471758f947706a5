import { describe, expect, test } from 'vitest'
import { ApiError } from '../errors.js'
import { parseSoql } from './parser.js'

function error(soql: string): ApiError {
  try {
    parseSoql(soql)
  } catch (e) {
    if (e instanceof ApiError) return e
    throw e
  }
  throw new Error(`parsed: ${soql}`)
}

describe('SOQL parser', () => {
  test('reads every supported clause', () => {
    const q = parseSoql(
      "select Id, Account.Owner.Name from Contact using scope mine where (Name like 'A%' or Title in ('CEO', 'CFO')) and not Birthdate = null and CreatedDate > LAST_N_DAYS:30 order by Name desc nulls last, Id limit 10 offset 5 for view",
    )
    expect(q.select).toEqual([
      { kind: 'field', path: ['Id'], pos: 7 },
      { kind: 'field', path: ['Account', 'Owner', 'Name'], pos: 11 },
    ])
    expect(q.scope).toBe('mine')
    expect(q.where?.kind).toBe('and')
    expect(q.orderBy.map((o) => [o.field.path.join('.'), o.descending, o.nullsLast])).toEqual([
      ['Name', true, true],
      ['Id', false, false],
    ])
    expect([q.limit, q.offset, q.forView, q.forReference]).toEqual([10, 5, true, false])
  })

  test('string escapes and literals', () => {
    const q = parseSoql(
      "SELECT Id FROM Account WHERE Name = 'O\\'Brien\\n' AND Amount > -1.5 AND IsWon = TRUE",
    )
    expect(JSON.stringify(q.where)).toContain(`"value":"O'Brien\\n"`)
    expect(JSON.stringify(q.where)).toContain('"value":-1.5')
  })

  test('errors point at the offending token', () => {
    expect(error('SELECT Id FROM Account WHERE').message).toMatchInlineSnapshot(`
      "SELECT Id FROM Account WHERE
                                  ^
      ERROR at Row:1:Column:29
      unexpected token: end of query"
    `)
    expect(error("SELECT Id FROM Account WHERE A = 'x' AND B = 'y' OR C = 'z'").errorCode).toBe(
      'MALFORMED_QUERY',
    )
    expect(error('SELECT COUNT(), Id FROM Account').errorCode).toBe('MALFORMED_QUERY')
    expect(error('SELECT Id FROM Account a').message).toContain('An object alias is not supported')
    expect(error("SELECT Id FROM Account WHERE Name = 'unterminated").errorCode).toBe(
      'MALFORMED_QUERY',
    )
    expect(error('SELECT Id FROM Account WHERE CreatedDate > LAST_N_DAYS').errorCode).toBe(
      'MALFORMED_QUERY',
    )
  })
})
