import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { toSalesforceId } from './ids.js'
import { REP1, anId, failure, idOf, startOrg, str, type TestOrg } from './testing/org-server.js'

let t: TestOrg
let rep1: Connection

beforeAll(async () => {
  t = await startOrg()
  rep1 = await t.login(REP1)
})
afterAll(() => t.close())

describe('sObject Collections', () => {
  test('create many: per-record results in order, mixed types, partial success without allOrNone', async () => {
    const results = await rep1.create('Account', [
      { Name: 'Coll A' },
      { Name: 'Coll B', Phone: '12' },
      { Name: 'Coll C' },
    ])
    expect(results).toEqual([
      { id: anId('001'), success: true, errors: [] },
      {
        success: false,
        errors: [
          {
            statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
            message: 'Phone must contain at least 10 digits.',
            fields: ['Phone'],
          },
        ],
      },
      { id: anId('001'), success: true, errors: [] },
    ])
    const mixed = await rep1.requestPost<Array<{ id: string }>>('/composite/sobjects', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Account' }, Name: 'Mixed' },
        { attributes: { type: 'Contact' }, LastName: 'Mixed' },
      ],
    })
    expect(mixed.map((r) => r.id.slice(0, 3))).toEqual(['001', '003'])
  })

  test('allOrNone rolls everything back and marks the rest ALL_OR_NONE_OPERATION_ROLLED_BACK', async () => {
    const before = (await rep1.query("SELECT COUNT() FROM Account WHERE Name LIKE 'AON %'"))
      .totalSize
    const results = await rep1.create(
      'Account',
      [{ Name: 'AON 1' }, { Name: 'AON 2', Phone: '1' }],
      { allOrNone: true },
    )
    expect(results).toEqual([
      {
        success: false,
        errors: [
          {
            statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
            message:
              'Record rolled back because not all records were valid and the request was using AllOrNone header',
            fields: [],
          },
        ],
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
            message: 'Phone must contain at least 10 digits.',
            fields: ['Phone'],
          },
        ],
      },
    ])
    expect(
      (await rep1.query("SELECT COUNT() FROM Account WHERE Name LIKE 'AON %'")).totalSize,
    ).toBe(before)
  })

  test('update many accepts lowercase id; a bad id fails only its item', async () => {
    const [a, b] = (await rep1.create('Contact', [{ LastName: 'U1' }, { LastName: 'U2' }])).map(
      idOf,
    )
    const results = await rep1.update('Contact', [
      { Id: a ?? '', Title: 'Boss' },
      { Id: b ?? '', Title: 'Deputy' },
    ])
    expect(results.every((r) => r.success)).toBe(true)
    const raw = await rep1.requestPatch<unknown[]>('/composite/sobjects', {
      records: [
        { attributes: { type: 'Contact' }, id: a, Title: 'Raw' },
        { attributes: { type: 'Contact' }, id: '001xx000003DGb2999', Title: 'Bad' },
        { attributes: { type: 'Contact' }, Title: 'No id' },
      ],
    })
    expect(raw).toEqual([
      { id: a, success: true, errors: [] },
      {
        success: false,
        errors: [
          {
            statusCode: 'MALFORMED_ID',
            message: 'Contact ID: id value of incorrect type: 001xx000003DGb2999',
            fields: ['Id'],
          },
        ],
      },
      {
        success: false,
        errors: [
          {
            statusCode: 'MISSING_ARGUMENT',
            message: 'Id not specified in an update call',
            fields: [],
          },
        ],
      },
    ])
    const got = await rep1.retrieve('Contact', [a ?? '', b ?? ''], { fields: ['Title'] })
    expect(got.map((r) => str(r.Title))).toEqual(['Raw', 'Deputy'])
  })

  test('retrieve many returns records in order and null for ids it cannot return', async () => {
    const a = idOf(await rep1.sobject('Lead').create({ LastName: 'R', Company: 'Co' }))
    const missing = toSalesforceId('00Q000000000000') ?? ''
    const got = await rep1.sobject('Lead').retrieve([a, missing])
    expect(got[0]).toMatchObject({
      attributes: { type: 'Lead' },
      Id: a,
      LastName: 'R',
      Company: 'Co',
    })
    expect(got[1]).toBeNull()
  })

  test('upsert many by external Id: created, then updated, never duplicated', async () => {
    const rows = [
      { Briefcase_Draft_Key__c: 'bc-col-1', Name: 'Visit 1' },
      { Briefcase_Draft_Key__c: 'bc-col-2', Name: 'Visit 2' },
    ]
    const first = await rep1.upsert('Site_Visit__c', rows, 'Briefcase_Draft_Key__c')
    expect(first.map((r) => (r as { created: boolean }).created)).toEqual([true, true])
    const second = await rep1.upsert('Site_Visit__c', rows, 'Briefcase_Draft_Key__c')
    expect(second.map((r) => (r as { created: boolean }).created)).toEqual([false, false])
    expect(second.map((r) => r.id)).toEqual(first.map((r) => r.id))
    expect(
      (
        await rep1.query(
          "SELECT COUNT() FROM Site_Visit__c WHERE Briefcase_Draft_Key__c LIKE 'bc-col-%'",
        )
      ).totalSize,
    ).toBe(2)
  })

  test('delete many: per-id results, malformed ids fail alone', async () => {
    const [a, b] = await rep1.create('Task', [{ Subject: 'D1' }, { Subject: 'D2' }])
    const results = await rep1.requestDelete<unknown[]>(
      `/composite/sobjects?ids=${a?.id},${b?.id},001RM000003oLrB000`,
    )
    expect(results).toEqual([
      { id: a?.id, success: true, errors: [] },
      { id: b?.id, success: true, errors: [] },
      {
        success: false,
        errors: [
          { statusCode: 'MALFORMED_ID', message: 'malformed id 001RM000003oLrB000', fields: [] },
        ],
      },
    ])
  })

  test('more than 200 records is refused as a whole', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({
      attributes: { type: 'Account' },
      Name: `Big ${i}`,
    }))
    const err = await failure(rep1.requestPost('/composite/sobjects', { records }))
    expect(err.errorCode).toBe('EXCEEDED_ID_LIMIT')
  })

  test('a record without attributes.type fails with INVALID_TYPE', async () => {
    const res = await rep1.requestPost('/composite/sobjects', { records: [{ Name: 'No type' }] })
    expect(res).toEqual([
      {
        success: false,
        errors: [
          { statusCode: 'INVALID_TYPE', message: 'Must send a concrete entity type.', fields: [] },
        ],
      },
    ])
  })
})
