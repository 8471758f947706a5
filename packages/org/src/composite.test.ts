import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  REP1,
  anId,
  failure,
  idOf,
  matching,
  startOrg,
  type TestOrg,
} from './testing/org-server.js'

let t: TestOrg
let rep1: Connection

interface SubResult {
  body: unknown
  httpHeaders: Record<string, string>
  httpStatusCode: number
  referenceId: string
}

beforeAll(async () => {
  t = await startOrg()
  rep1 = await t.login(REP1)
})
afterAll(() => t.close())

const composite = (body: object): Promise<{ compositeResponse: SubResult[] }> =>
  rep1.requestPost<{ compositeResponse: SubResult[] }>('/composite', body)

describe('Composite', () => {
  test('sub-requests run in order with @{ref.id} references and count as one API call', async () => {
    t.org.clearCalls()
    const res = await composite({
      allOrNone: true,
      collateSubrequests: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'refAccount',
          body: { Name: 'Composite Parent' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'refContact',
          body: { LastName: 'Child', AccountId: '@{refAccount.id}' },
        },
        {
          method: 'GET',
          url: '/services/data/v62.0/sobjects/Contact/@{refContact.id}?fields=AccountId',
          referenceId: 'getContact',
        },
        {
          method: 'GET',
          url: "/services/data/v62.0/query?q=SELECT+Id,Name+FROM+Account+WHERE+Id='@{refAccount.id}'",
          referenceId: 'q',
        },
        {
          method: 'PATCH',
          url: '/services/data/v62.0/sobjects/Account/@{q.records[0].Id}',
          referenceId: 'rename',
          body: { Description: 'Parent of @{refContact.id}' },
        },
      ],
    })
    const [account, contact, get, query, rename] = res.compositeResponse
    expect(account).toEqual({
      body: { id: anId('001'), success: true, errors: [] },
      httpHeaders: {
        Location: matching(/^\/services\/data\/v62\.0\/sobjects\/Account\/001/),
      },
      httpStatusCode: 201,
      referenceId: 'refAccount',
    })
    const accountId = (account?.body as { id: string }).id
    expect(contact?.httpStatusCode).toBe(201)
    expect(get?.body).toMatchObject({ AccountId: accountId })
    expect((query?.body as { totalSize: number }).totalSize).toBe(1)
    expect(rename).toEqual({
      body: null,
      httpHeaders: {},
      httpStatusCode: 204,
      referenceId: 'rename',
    })
    const desc = await rep1.sobject('Account').retrieve(accountId, { fields: ['Description'] })
    expect(desc.Description).toBe(`Parent of ${(contact?.body as { id: string }).id}`)
    const counted = t.org.calls().filter((c) => c.counted)
    expect(counted.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /services/data/v62.0/composite',
      'GET /services/data/v62.0/sobjects/Account/' + accountId,
    ])
  })

  test('allOrNone: a failure rolls back every write (workflow effects too) and the rest answer PROCESSING_HALTED', async () => {
    const id = idOf(
      await rep1
        .sobject('Opportunity')
        .create({ Name: 'Rollback', StageName: 'Prospecting', CloseDate: '2030-01-01' }),
    )
    const before = await rep1.sobject('Opportunity').retrieve(id)
    const res = await composite({
      allOrNone: true,
      compositeRequest: [
        {
          method: 'PATCH',
          url: `/services/data/v62.0/sobjects/Opportunity/${id}`,
          referenceId: 'stage',
          body: { StageName: 'Closed Won' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'newAccount',
          body: { Name: 'Never' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'bad',
          body: { LastName: 'X', Email: 'not an email' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'after',
          body: { LastName: 'Y' },
        },
      ],
    })
    expect(res.compositeResponse).toMatchInlineSnapshot(`
      [
        {
          "body": [
            {
              "errorCode": "PROCESSING_HALTED",
              "message": "The transaction was rolled back since another operation in the same transaction failed.",
            },
          ],
          "httpHeaders": {},
          "httpStatusCode": 400,
          "referenceId": "stage",
        },
        {
          "body": [
            {
              "errorCode": "PROCESSING_HALTED",
              "message": "The transaction was rolled back since another operation in the same transaction failed.",
            },
          ],
          "httpHeaders": {},
          "httpStatusCode": 400,
          "referenceId": "newAccount",
        },
        {
          "body": [
            {
              "errorCode": "INVALID_EMAIL_ADDRESS",
              "fields": [
                "Email",
              ],
              "message": "Email: invalid email address: not an email",
            },
          ],
          "httpHeaders": {},
          "httpStatusCode": 400,
          "referenceId": "bad",
        },
        {
          "body": [
            {
              "errorCode": "PROCESSING_HALTED",
              "message": "The transaction was rolled back since another operation in the same transaction failed.",
            },
          ],
          "httpHeaders": {},
          "httpStatusCode": 400,
          "referenceId": "after",
        },
      ]
    `)
    const after = await rep1.sobject('Opportunity').retrieve(id)
    expect(after.StageName).toBe('Prospecting')
    expect(after.Probability).toBe(10)
    expect(after.SystemModstamp).toBe(before.SystemModstamp)
    expect((await rep1.query("SELECT COUNT() FROM Account WHERE Name = 'Never'")).totalSize).toBe(0)
  })

  test('without allOrNone, independent sub-requests commit and dependants of a failure are halted', async () => {
    const res = await composite({
      allOrNone: false,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'bad',
          body: { Name: 'Bad phone', Phone: '1' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'child',
          body: { LastName: 'Z', AccountId: '@{bad.id}' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'good',
          body: { Name: 'Independent' },
        },
      ],
    })
    expect(res.compositeResponse.map((r) => r.httpStatusCode)).toEqual([400, 400, 201])
    expect(res.compositeResponse[1]?.body).toEqual([
      {
        errorCode: 'PROCESSING_HALTED',
        message: 'Invalid reference specified. No value for bad.id found in bad.',
      },
    ])
    expect(
      (await rep1.query("SELECT COUNT() FROM Account WHERE Name = 'Independent'")).totalSize,
    ).toBe(1)
  })

  test('upsert and collections inside composite', async () => {
    const res = await composite({
      allOrNone: true,
      compositeRequest: [
        {
          method: 'PATCH',
          url: '/services/data/v62.0/sobjects/Account/Briefcase_Draft_Key__c/bc-comp-1',
          referenceId: 'acc',
          body: { Name: 'Draft Account' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/composite/sobjects',
          referenceId: 'kids',
          body: {
            records: [{ attributes: { type: 'Contact' }, LastName: 'K1', AccountId: '@{acc.id}' }],
          },
        },
      ],
    })
    expect(res.compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 200])
    const again = await composite({
      compositeRequest: [
        {
          method: 'PATCH',
          url: '/services/data/v62.0/sobjects/Account/Briefcase_Draft_Key__c/bc-comp-1',
          referenceId: 'acc',
          body: { Name: 'Draft Account 2' },
        },
      ],
    })
    expect(again.compositeResponse[0]?.httpStatusCode).toBe(200)
    expect((again.compositeResponse[0]?.body as { created: boolean }).created).toBe(false)
  })

  test('limits and malformed requests fail as a whole', async () => {
    const many = Array.from({ length: 26 }, (_, i) => ({
      method: 'GET',
      url: '/services/data/v62.0/limits',
      referenceId: `r${i}`,
    }))
    expect((await failure(composite({ compositeRequest: many }))).errorCode).toBe('LIMIT_EXCEEDED')
    const dup = [
      { method: 'GET', url: '/services/data/v62.0/limits', referenceId: 'same' },
      { method: 'GET', url: '/services/data/v62.0/limits', referenceId: 'same' },
    ]
    expect((await failure(composite({ compositeRequest: dup }))).message).toBe(
      'Duplicate referenceId provided in the request: same',
    )
    const auth = [
      {
        method: 'GET',
        url: '/services/data/v62.0/limits',
        referenceId: 'h',
        httpHeaders: { Authorization: 'x' },
      },
    ]
    expect((await failure(composite({ compositeRequest: auth }))).errorCode).toBe(
      'INVALID_API_INPUT',
    )
    const queries = Array.from({ length: 6 }, (_, i) => ({
      method: 'GET',
      url: '/services/data/v62.0/query?q=SELECT+Id+FROM+Account+LIMIT+1',
      referenceId: `q${i}`,
    }))
    expect((await failure(composite({ compositeRequest: queries }))).errorCode).toBe(
      'LIMIT_EXCEEDED',
    )
  })
})
