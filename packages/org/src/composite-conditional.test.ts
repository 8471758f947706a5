import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { REP1, idOf, startOrg, str, type TestOrg } from './testing/org-server.js'

/**
 * `If-Unmodified-Since` on sObject Rows updates inside a Composite request, as Salesforce
 * documents it (REST API Developer Guide, "Conditional Requests" and the Composite request
 * body's `httpHeaders`): the update is processed only if the record's LastModifiedDate is not
 * after the given HTTP-date (whole seconds), else the subrequest answers 412 and nothing is
 * written; an invalid value answers 400; the other subrequests follow the request's allOrNone;
 * the whole request is one API call. The relay's projector carries its conflict check this way.
 */
let t: TestOrg
let rep1: Connection

interface SubResult {
  body: unknown
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
