import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { createOrg } from './index.js'
import { ApiError } from './errors.js'
import { parseSoql } from './soql/parser.js'

const org = createOrg({ seed: 11, accounts: 10 })
const token = org.issueToken('rep1@briefcase.test')

function isSalesforceErrorArray(body: unknown): boolean {
  return (
    Array.isArray(body) &&
    body.length > 0 &&
    body.every((e: unknown) => {
      const entry = e as { message?: unknown; errorCode?: unknown }
      return typeof entry.message === 'string' && typeof entry.errorCode === 'string'
    })
  )
}

describe('bad input never crashes the org', () => {
  test('any text given to the SOQL parser parses or answers a Salesforce error', () => {
    const words = fc.constantFrom(
      'SELECT',
      'FROM',
      'WHERE',
      'AND',
      'OR',
      'NOT',
      'IN',
      'LIKE',
      'ORDER',
      'BY',
      'LIMIT',
      'OFFSET',
      'Id',
      'Name',
      'Account',
      'Account.Name',
      '(',
      ')',
      ',',
      '=',
      '!=',
      '<',
      "'x'",
      '42',
      'null',
      'TODAY',
      'LAST_N_DAYS:3',
      ':',
      '2024-01-01',
      'COUNT()',
      'FOR',
      'VIEW',
      "'\\",
      '%',
    )
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(words, { maxLength: 14 }).map((w) => w.join(' ')),
        ),
        (soql) => {
          try {
            parseSoql(soql)
          } catch (error) {
            expect(error).toBeInstanceOf(ApiError)
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  test('any query over HTTP answers 200 or a Salesforce error array', async () => {
    const fields = fc.constantFrom(
      'Id',
      'Name',
      'Phone',
      'Owner.Name',
      'Nope',
      'Description',
      'AnnualRevenue',
      'CreatedDate',
    )
    const ops = fc.constantFrom('=', '!=', '>', 'LIKE', 'IN')
    const values = fc.constantFrom(
      "'a%'",
      '5',
      'null',
      'TODAY',
      "('x', 'y')",
      '2024-01-01T00:00:00Z',
      'true',
    )
    await fc.assert(
      fc.asyncProperty(
        fields,
        fields,
        ops,
        values,
        fc.constantFrom('Account', 'Contact', 'Opportunity', 'Nope'),
        async (f1, f2, op, v, type) => {
          const soql = `SELECT ${f1} FROM ${type} WHERE ${f2} ${op} ${v} LIMIT 3`
          const res = await org.app.request(
            `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`,
            {
              headers: { Authorization: `Bearer ${token}` },
            },
          )
          const body: unknown = await res.json()
          if (res.status === 200) expect(body).toHaveProperty('records')
          else {
            expect(res.status, soql).toBe(400)
            expect(isSalesforceErrorArray(body), soql).toBe(true)
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  test('any JSON body given to create answers 201 or a Salesforce error array', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 90 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.object({ maxDepth: 1 }),
    )
    const key = fc.constantFrom(
      'Name',
      'Phone',
      'NumberOfEmployees',
      'AnnualRevenue',
      'Rating',
      'ParentId',
      'Website',
      'Nope__c',
      'CreatedDate',
      'Parent',
      'attributes',
      'Id',
    )
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(key, value, { maxKeys: 4 }),
        fc.constantFrom('Account', 'Site_Visit__c'),
        async (body, type) => {
          const res = await org.app.request(`/services/data/v62.0/sobjects/${type}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
          const json: unknown = await res.json()
          if (res.status === 201) expect(json).toMatchObject({ success: true })
          else {
            expect([400, 404], JSON.stringify(body)).toContain(res.status)
            expect(isSalesforceErrorArray(json), JSON.stringify(body)).toBe(true)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
