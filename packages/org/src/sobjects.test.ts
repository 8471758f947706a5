import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  MANAGER,
  REP1,
  anId,
  failure,
  idOf,
  ms,
  startOrg,
  str,
  type TestOrg,
} from './testing/org-server.js'

let t: TestOrg
let rep1: Connection
let token: string

beforeAll(async () => {
  t = await startOrg({ maxBodyBytes: 64 * 1024 })
  rep1 = await t.login(REP1)
  token = rep1.accessToken ?? ''
})
afterAll(() => t.close())

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/

describe('versions and describe', () => {
  test('GET /services/data/ lists v50.0 to v62.0 without auth and without Sforce-Limit-Info', async () => {
    const res = await t.fetch('/services/data/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8')
    expect(res.headers.get('sforce-limit-info')).toBeNull()
    const versions = (await res.json()) as Array<{ version: string; url: string; label: string }>
    expect(versions[0]).toEqual({
      label: "Winter '21",
      url: '/services/data/v50.0',
      version: '50.0',
    })
    expect(versions.at(-1)).toEqual({
      label: "Winter '25",
      url: '/services/data/v62.0',
      version: '62.0',
    })
  })

  test('every data call carries Sforce-Limit-Info and jsforce reads it', async () => {
    await rep1.describeGlobal()
    expect(rep1.limitInfo.apiUsage?.limit).toBe(100000)
    expect(rep1.limitInfo.apiUsage?.used).toBeGreaterThan(0)
  })

  test('an unsupported version is NOT_FOUND', async () => {
    const res = await t.fetch('/services/data/v49.0/sobjects', { token })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual([
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
    ])
  })

  test('describeGlobal lists every object with its key prefix', async () => {
    const global = await rep1.describeGlobal()
    const byName = new Map(global.sobjects.map((s) => [s.name, s]))
    for (const [name, prefix] of [
      ['Account', '001'],
      ['Contact', '003'],
      ['Opportunity', '006'],
      ['Lead', '00Q'],
      ['Case', '500'],
      ['Task', '00T'],
      ['Event', '00U'],
      ['User', '005'],
      ['Site_Visit__c', 'a0V'],
      ['Dashboard', '01Z'],
    ]) {
      expect(byName.get(name ?? '')?.keyPrefix).toBe(prefix)
    }
    expect(byName.get('User')?.createable).toBe(false)
    expect(byName.get('Site_Visit__c')?.custom).toBe(true)
  })

  test('describe reports field types, lengths, external Id and references', async () => {
    const d = await rep1.sobject('Site_Visit__c').describe()
    const f = new Map(d.fields.map((x) => [x.name, x]))
    expect(d.label).toBe('Site Visit')
    expect(f.get('Name')).toMatchObject({
      type: 'string',
      length: 80,
      nillable: false,
      createable: true,
      nameField: true,
    })
    expect(f.get('Account__c')).toMatchObject({
      type: 'reference',
      referenceTo: ['Account'],
      relationshipName: 'Account__r',
    })
    expect(f.get('Notes__c')).toMatchObject({
      type: 'textarea',
      length: 32000,
      extraTypeInfo: 'plaintextarea',
    })
    expect(f.get('Status__c')?.picklistValues?.map((p: { value: string }) => p.value)).toEqual([
      'Planned',
      'In Progress',
      'Done',
    ])
    expect(f.get('Briefcase_Draft_Key__c')).toMatchObject({
      type: 'string',
      length: 64,
      externalId: true,
      unique: true,
      caseSensitive: true,
      nillable: true,
    })
    expect(f.get('Id')).toMatchObject({ type: 'id', createable: false, updateable: false })
    const task = await rep1.sobject('Task').describe()
    const what = task.fields.find((x) => x.name === 'WhatId')
    expect(what?.referenceTo).toEqual(['Account', 'Opportunity', 'Case', 'Site_Visit__c'])
    expect(task.fields.find((x) => x.name === 'IsClosed')).toMatchObject({
      type: 'boolean',
      updateable: false,
      createable: false,
    })
    const account = await rep1.sobject('Account').describe()
    expect(account.childRelationships.map((r) => r.relationshipName)).toEqual(
      expect.arrayContaining(['Contacts', 'Opportunities', 'Cases']),
    )
  })

  test('an unknown object is 404 NOT_FOUND', async () => {
    const err = await failure(rep1.sobject('Nope__c').describe())
    expect(err.errorCode).toBe('NOT_FOUND')
  })
})

describe('create, retrieve, update, delete', () => {
  test('create returns 201 with the id and a Location; the record has system fields attributed to the caller', async () => {
    const res = await t.fetch('/services/data/v62.0/sobjects/Account', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Conformance Create', Phone: '(415) 555-0100' }),
    })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { id: string }
    expect(body).toEqual({
      id: anId('001'),
      success: true,
      errors: [],
    })
    expect(res.headers.get('location')).toBe(`/services/data/v62.0/sobjects/Account/${body.id}`)
    const r = await rep1.sobject('Account').retrieve(body.id)
    expect(r.attributes).toEqual({
      type: 'Account',
      url: `/services/data/v62.0/sobjects/Account/${body.id}`,
    })
    expect(r.CreatedById).toBe(t.org.users[0]?.id)
    expect(r.LastModifiedById).toBe(t.org.users[0]?.id)
    expect(r.OwnerId).toBe(t.org.users[0]?.id)
    expect(r.IsDeleted).toBe(false)
    expect(r.CreatedDate).toMatch(DATETIME)
    expect(r.SystemModstamp).toBe(r.LastModifiedDate)
    expect(r).not.toHaveProperty('Credit_Limit__c')
  })

  test('retrieve with fields= returns those fields and the Id; 15-character ids work', async () => {
    const id = idOf(await rep1.sobject('Contact').create({ LastName: 'Fields', FirstName: 'Ada' }))
    const r = await rep1
      .sobject('Contact')
      .retrieve(id.slice(0, 15), { fields: ['Name', 'LastName'] })
    expect(r).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${id}` },
      Name: 'Ada Fields',
      LastName: 'Fields',
      Id: id,
    })
  })

  test('update answers 204 and jsforce reports success; LastModifiedDate moves', async () => {
    const id = idOf(await rep1.sobject('Lead').create({ LastName: 'Update', Company: 'Co' }))
    t.org.advanceClock(2000)
    const res = await rep1.sobject('Lead').update({ Id: id, Company: 'New Co' })
    expect(res).toEqual({ id, success: true, errors: [] })
    const r = await rep1.sobject('Lead').retrieve(id)
    expect(r.Company).toBe('New Co')
    expect(r.Status).toBe('Open - Not Contacted')
    expect(ms(r.LastModifiedDate)).toBeGreaterThan(ms(r.CreatedDate))
  })

  test('delete is soft: the record goes to the recycle bin (ENTITY_IS_DELETED), queryAll still sees it', async () => {
    const id = idOf(await rep1.sobject('Case').create({ Subject: 'Delete me' }))
    expect(await rep1.sobject('Case').destroy(id)).toEqual({ id, success: true, errors: [] })
    const err = await failure(rep1.sobject('Case').retrieve(id))
    expect(err.errorCode).toBe('ENTITY_IS_DELETED')
    const again = await t.fetch(`/services/data/v62.0/sobjects/Case/${id}`, {
      method: 'DELETE',
      token,
    })
    expect(again.status).toBe(404)
    expect(await again.json()).toEqual([
      { message: 'entity is deleted', errorCode: 'ENTITY_IS_DELETED', fields: [] },
    ])
    const all = await rep1.query(`SELECT Id, IsDeleted FROM Case WHERE Id = '${id}'`, {
      scanAll: true,
    })
    expect(all.records.map((r) => `${str(r.Id)} ${str(r.IsDeleted)}`)).toEqual([`${id} true`])
    const live = await rep1.query(`SELECT Id FROM Case WHERE Id = '${id}'`)
    expect(live.totalSize).toBe(0)
  })

  test('bad and unknown ids answer as Salesforce does', async () => {
    const malformed = await t.fetch('/services/data/v62.0/sobjects/Account/001900K0001pPuOAAU', {
      token,
    })
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toEqual([
      {
        message: 'Account ID: id value of incorrect type: 001900K0001pPuOAAU',
        errorCode: 'MALFORMED_ID',
        fields: ['Id'],
      },
    ])
    const missing = await failure(rep1.sobject('Account').retrieve('001000000000000AAA'))
    expect(missing.errorCode).toBe('NOT_FOUND')
    expect(missing.message).toBe('The requested resource does not exist')
    const garbage = await t.fetch('/services/data/v62.0/sobjects/Account/garbage', { token })
    expect(garbage.status).toBe(404)
    expect(await garbage.json()).toEqual([
      {
        message: 'Provided external ID field does not exist or is not accessible: garbage',
        errorCode: 'NOT_FOUND',
      },
    ])
  })

  test('an 18-character id must carry the checksum of its own characters', async () => {
    const id = idOf(await rep1.sobject('Account').create({ Name: 'Checksum' }))
    const err = await failure(
      rep1.sobject('Account').retrieve(id.toLowerCase(), { fields: ['Name'] }),
    )
    expect(err.errorCode).toBe('MALFORMED_ID')
  })
})

describe('If-Unmodified-Since', () => {
  test('an update after a newer change answers 412 and writes nothing', async () => {
    const id = idOf(await rep1.sobject('Account').create({ Name: 'Conditional' }))
    const before = await rep1.sobject('Account').retrieve(id)
    const seen = new Date(ms(before.LastModifiedDate)).toUTCString()
    const ok = await rep1
      .sobject('Account')
      .update({ Id: id, Name: 'First' }, { headers: { 'If-Unmodified-Since': seen } })
    expect(ok.success).toBe(true)
    t.org.advanceClock(5000)
    await rep1.sobject('Account').update({ Id: id, Name: 'Second' })
    const err = await failure(
      rep1
        .sobject('Account')
        .update({ Id: id, Name: 'Stale' }, { headers: { 'If-Unmodified-Since': seen } }),
    )
    expect(err.errorCode).toBe('PRECONDITION_FAILED')
    const res = await t.fetch(`/services/data/v62.0/sobjects/Account/${id}`, {
      method: 'PATCH',
      token,
      headers: { 'content-type': 'application/json', 'If-Unmodified-Since': seen },
      body: JSON.stringify({ Name: 'Stale' }),
    })
    expect(res.status).toBe(412)
    expect((await rep1.sobject('Account').retrieve(id, { fields: ['Name'] })).Name).toBe('Second')
  })

  test('an invalid header value answers 400', async () => {
    const id = idOf(await rep1.sobject('Account').create({ Name: 'Bad header' }))
    const res = await t.fetch(`/services/data/v62.0/sobjects/Account/${id}`, {
      method: 'PATCH',
      token,
      headers: { 'content-type': 'application/json', 'If-Unmodified-Since': 'yesterday' },
      body: JSON.stringify({ Name: 'x' }),
    })
    expect(res.status).toBe(400)
  })
})

describe('upsert by external Id', () => {
  test('the first upsert creates (201, created true), the same key again updates (200, created false)', async () => {
    const first = await rep1.sobject('Opportunity').upsert(
      {
        Briefcase_Draft_Key__c: 'bc-upsert-1',
        Name: 'Upserted',
        StageName: 'Prospecting',
        CloseDate: '2030-01-01',
      },
      'Briefcase_Draft_Key__c',
    )
    expect(first).toEqual({
      id: anId('006'),
      success: true,
      errors: [],
      created: true,
    })
    const second = await rep1
      .sobject('Opportunity')
      .upsert({ Briefcase_Draft_Key__c: 'bc-upsert-1', Name: 'Renamed' }, 'Briefcase_Draft_Key__c')
    expect(second).toEqual({ id: first.id, success: true, errors: [], created: false })
    const count = await rep1.query(
      "SELECT COUNT() FROM Opportunity WHERE Briefcase_Draft_Key__c = 'bc-upsert-1'",
    )
    expect(count.totalSize).toBe(1)
    const byKey = await rep1.request<{ Name: string }>(
      '/services/data/v62.0/sobjects/Opportunity/Briefcase_Draft_Key__c/bc-upsert-1',
    )
    expect(byKey.Name).toBe('Renamed')
  })

  test('the key is case-sensitive and unique', async () => {
    const a = await rep1
      .sobject('Account')
      .upsert({ Briefcase_Draft_Key__c: 'Key-A', Name: 'Upper' }, 'Briefcase_Draft_Key__c')
    const b = await rep1
      .sobject('Account')
      .upsert({ Briefcase_Draft_Key__c: 'key-a', Name: 'Lower' }, 'Briefcase_Draft_Key__c')
    expect(a.id).not.toBe(b.id)
    const dup = await failure(
      rep1.sobject('Account').create({ Name: 'Dup', Briefcase_Draft_Key__c: 'Key-A' }),
    )
    expect(dup.errorCode).toBe('DUPLICATE_VALUE')
    expect(dup.message).toBe(
      `duplicate value found: Briefcase_Draft_Key__c duplicates value on record with id: ${a.id}`,
    )
  })

  test('an unknown external Id field is NOT_FOUND', async () => {
    const err = await failure(
      rep1.sobject('Account').upsert({ Phone: '4155550100', Name: 'x' }, 'Phone'),
    )
    expect(err.errorCode).toBe('NOT_FOUND')
    expect(err.message).toBe(
      'Provided external ID field does not exist or is not accessible: Phone',
    )
  })

  test('a related record can be given by its external Id', async () => {
    await rep1
      .sobject('Account')
      .upsert(
        { Briefcase_Draft_Key__c: 'bc-parent', Name: 'Parent By Key' },
        'Briefcase_Draft_Key__c',
      )
    const id = idOf(
      await rep1
        .sobject('Contact')
        .create({ LastName: 'Child', Account: { Briefcase_Draft_Key__c: 'bc-parent' } }),
    )
    const q = await rep1.query<{ Account: { Name: string } }>(
      `SELECT Account.Name FROM Contact WHERE Id = '${id}'`,
    )
    expect(q.records[0]?.Account.Name).toBe('Parent By Key')
    const err = await failure(
      rep1
        .sobject('Contact')
        .create({ LastName: 'Orphan', Account: { Briefcase_Draft_Key__c: 'missing' } }),
    )
    expect(err.message).toBe(
      'Foreign key external ID: missing not found for field Briefcase_Draft_Key__c in entity Account',
    )
  })
})

describe('bad input gets the Salesforce error shape', () => {
  const post = (path: string, body: string): Promise<Response> =>
    t.fetch(`/services/data/v62.0${path}`, {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body,
    })

  test('malformed JSON is 400 JSON_PARSER_ERROR', async () => {
    const res = await post('/sobjects/Account', '{"Name": ')
    expect(res.status).toBe(400)
    const [err] = (await res.json()) as Array<{ errorCode: string }>
    expect(err?.errorCode).toBe('JSON_PARSER_ERROR')
  })

  test('an unknown field is INVALID_FIELD', async () => {
    const err = await failure(rep1.sobject('Account').create({ Name: 'x', Nope__c: 1 }))
    expect(err.errorCode).toBe('INVALID_FIELD')
    expect(err.message).toBe("No such column 'Nope__c' on sobject of type Account")
  })

  test('a value of the wrong type is JSON_PARSER_ERROR', async () => {
    const err = await failure(
      rep1.sobject('Account').create({ Name: 'x', NumberOfEmployees: 'many' }),
    )
    expect(err.errorCode).toBe('JSON_PARSER_ERROR')
    expect(err.message).toMatchInlineSnapshot(
      `"Cannot deserialize instance of int from VALUE_STRING value many or request may be missing a required field"`,
    )
  })

  test('a bad Id in a lookup is MALFORMED_ID; an Id of the wrong object is FIELD_INTEGRITY_EXCEPTION', async () => {
    const bad = await failure(rep1.sobject('Contact').create({ LastName: 'x', AccountId: 'abc' }))
    expect(bad.errorCode).toBe('MALFORMED_ID')
    const wrong = await failure(
      rep1.sobject('Contact').create({ LastName: 'x', AccountId: t.org.users[0]?.id }),
    )
    expect(wrong.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION')
  })

  test('too long, restricted picklist, required fields, read-only fields', async () => {
    expect(
      (await failure(rep1.sobject('Site_Visit__c').create({ Name: 'x'.repeat(81) }))).errorCode,
    ).toBe('STRING_TOO_LONG')
    const pick = await failure(
      rep1.sobject('Site_Visit__c').create({ Name: 'x', Status__c: 'Lost' }),
    )
    expect(pick.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST')
    expect(pick.message).toBe('Status: bad value for restricted picklist field: Lost')
    const req = await failure(rep1.sobject('Opportunity').create({ Name: 'No stage' }))
    expect(req.errorCode).toBe('REQUIRED_FIELD_MISSING')
    expect((req as unknown as { data: { fields: string[] } }).data.fields).toEqual([
      'StageName',
      'CloseDate',
    ])
    const ro = await failure(rep1.sobject('Task').create({ Subject: 'x', IsClosed: true }))
    expect(ro.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE')
    // jsforce strips Id from a single create, so send it raw.
    const id = await post(
      '/sobjects/Account',
      JSON.stringify({ Name: 'x', Id: '001000000000000AAA' }),
    )
    expect(await id.json()).toEqual([
      {
        message: 'The Id field should not be specified in the sobject data.',
        errorCode: 'INVALID_FIELD',
      },
    ])
  })

  test('an oversized body is 413 with a Salesforce-shaped body', async () => {
    const res = await post(
      '/sobjects/Account',
      JSON.stringify({ Name: 'big', Description: 'x'.repeat(70 * 1024) }),
    )
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual([
      {
        message: 'The request body exceeds the maximum size of 65536 bytes.',
        errorCode: 'REQUEST_ENTITY_TOO_LARGE',
      },
    ])
  })

  test('a method a resource does not take is 405 METHOD_NOT_ALLOWED', async () => {
    const res = await t.fetch('/services/data/v62.0/sobjects/Account', { method: 'PATCH', token })
    expect(res.status).toBe(405)
    expect(await res.json()).toEqual([
      {
        message: "HTTP Method 'PATCH' not allowed. Allowed are HEAD,GET,POST",
        errorCode: 'METHOD_NOT_ALLOWED',
      },
    ])
  })

  test('an unknown resource is NOT_FOUND; jsforce never sees an HTML page', async () => {
    const res = await t.fetch('/services/data/v62.0/nothing/here', { token })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8')
  })

  test('POST with _HttpMethod=PATCH updates', async () => {
    const id = idOf(await rep1.sobject('Account').create({ Name: 'Override' }))
    const res = await post(
      `/sobjects/Account/${id}?_HttpMethod=PATCH`,
      JSON.stringify({ Name: 'Overridden' }),
    )
    expect(res.status).toBe(204)
    expect((await rep1.sobject('Account').retrieve(id, { fields: ['Name'] })).Name).toBe(
      'Overridden',
    )
  })
})

describe('users', () => {
  test('a rep cannot create users; the manager can', async () => {
    const err = await failure(
      rep1.sobject('User').create({
        LastName: 'New',
        Username: 'new@briefcase.test',
        Email: 'new@briefcase.test',
        Alias: 'new',
        ProfileId: t.org.users[0]?.profileId,
      }),
    )
    expect(err.errorCode).toBe('INSUFFICIENT_ACCESS_OR_READONLY')
    const manager = await t.login(MANAGER)
    const ok = await manager.sobject('User').create({
      LastName: 'New',
      Username: 'new@briefcase.test',
      Email: 'new@briefcase.test',
      Alias: 'new',
      ProfileId: t.org.users[0]?.profileId,
    })
    expect(ok.success).toBe(true)
  })
})
