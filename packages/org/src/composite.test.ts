import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  REP1,
  anId,
  failure,
  idOf,
  matching,
  startOrg,
  str,
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

/*
 * `If-Unmodified-Since` on sObject Rows updates inside a Composite request, as Salesforce
 * documents it (REST API Developer Guide, "Conditional Requests" and the Composite request
 * body's `httpHeaders`): the update is processed only if the record's LastModifiedDate is not
 * after the given HTTP-date (whole seconds), else the subrequest answers 412 and nothing is
 * written; an invalid value answers 400; the other subrequests follow the request's allOrNone;
 * the whole request is one API call. The relay's projector carries its conflict check this way.
 */
async function account(name: string): Promise<{ id: string; lastModified: number }> {
  const id = idOf(await rep1.sobject('Account').create({ Name: name }))
  const row = (await rep1.sobject('Account').retrieve(id)) as Record<string, unknown>
  return { id, lastModified: Date.parse(str(row.LastModifiedDate)) }
}

const rowPatch = (referenceId: string, id: string, body: object, since: string): object => ({
  method: 'PATCH',
  url: `/services/data/v62.0/sobjects/Account/${id}`,
  referenceId,
  body,
  httpHeaders: { 'If-Unmodified-Since': since },
})

const name = async (id: string): Promise<unknown> =>
  ((await rep1.sobject('Account').retrieve(id)) as Record<string, unknown>).Name

describe('Composite subrequests with If-Unmodified-Since', () => {
  test('an unchanged record is written (204); one changed after the date answers 412 and is not; a later query sees both; one API call', async () => {
    const kept = await account('Unchanged')
    const moved = await account('Changed')
    const since = new Date(moved.lastModified).toUTCString()
    t.org.advanceClock(2_000)
    await rep1.sobject('Account').update({ Id: moved.id, Name: 'Changed elsewhere' })
    t.org.clearCalls()
    const res = await composite({
      allOrNone: false,
      collateSubrequests: false,
      compositeRequest: [
        rowPatch('a', kept.id, { Name: 'Written' }, since),
        rowPatch('b', moved.id, { Name: 'Stale write' }, since),
        {
          method: 'GET',
          url: `/services/data/v62.0/query?q=SELECT+Id,Name+FROM+Account+WHERE+Id='${moved.id}'`,
          referenceId: 'q',
        },
      ],
    })
    const [a, b, q] = res.compositeResponse
    expect(a).toMatchObject({ httpStatusCode: 204, body: null })
    expect(b?.httpStatusCode).toBe(412)
    expect(b?.body).toEqual([
      {
        errorCode: 'PRECONDITION_FAILED',
        message: `The requested resource has been modified since ${since}.`,
      },
    ])
    expect((q?.body as { records: { Name: string }[] }).records[0]?.Name).toBe('Changed elsewhere')
    expect(await name(kept.id)).toBe('Written')
    expect(await name(moved.id)).toBe('Changed elsewhere')
    expect(t.org.calls().filter((c) => c.path.endsWith('/composite'))).toHaveLength(1)
  })

  test('the date is compared at whole seconds: LastModifiedDate within the given second is not after it', async () => {
    const rec = await account('Same second')
    const since = new Date(rec.lastModified).toUTCString()
    const res = await composite({
      allOrNone: false,
      compositeRequest: [rowPatch('a', rec.id, { Name: 'Same second, written' }, since)],
    })
    expect(res.compositeResponse[0]?.httpStatusCode).toBe(204)
    expect(await name(rec.id)).toBe('Same second, written')
  })

  test('with allOrNone, a 412 rolls back the other writes, which answer PROCESSING_HALTED', async () => {
    const kept = await account('Rolled back')
    const moved = await account('Moved')
    const since = new Date(moved.lastModified).toUTCString()
    t.org.advanceClock(2_000)
    await rep1.sobject('Account').update({ Id: moved.id, Name: 'Moved elsewhere' })
    const res = await composite({
      allOrNone: true,
      compositeRequest: [
        rowPatch('a', kept.id, { Name: 'Not kept' }, since),
        rowPatch('b', moved.id, { Name: 'Stale' }, since),
      ],
    })
    expect(res.compositeResponse.map((r) => r.httpStatusCode)).toEqual([400, 412])
    expect(res.compositeResponse[0]?.body).toMatchObject([{ errorCode: 'PROCESSING_HALTED' }])
    expect(await name(kept.id)).toBe('Rolled back')
  })

  test('an invalid date answers 400 for that subrequest and writes nothing', async () => {
    const rec = await account('Bad header')
    const res = await composite({
      allOrNone: false,
      compositeRequest: [rowPatch('a', rec.id, { Name: 'Never' }, 'yesterday')],
    })
    expect(res.compositeResponse[0]?.httpStatusCode).toBe(400)
    expect(await name(rec.id)).toBe('Bad header')
  })
})
