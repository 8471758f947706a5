import type { ObjectSchema } from '@briefcase/record'
import { expect, test } from 'vitest'
import { isRequired, visibleFields } from './visible-fields.js'

const schema: ObjectSchema = {
  name: 'Account',
  fields: {
    Id: { name: 'Id', type: 'id' },
    Name: { name: 'Name', type: 'string', nillable: false, createable: true },
    OwnerId: { name: 'OwnerId', type: 'reference', nillable: false, createable: true },
    Rating: { name: 'Rating', type: 'picklist', createable: false, updateable: false },
    SystemModstamp: { name: 'SystemModstamp', type: 'datetime' },
    Briefcase_Draft_Key__c: { name: 'Briefcase_Draft_Key__c', type: 'string' },
    Briefcase_Edited_At__c: { name: 'Briefcase_Edited_At__c', type: 'datetime' },
    Description: { name: 'Description', type: 'textarea' },
  },
}

test('forms show people’s fields in schema order, not Ids, audit fields or Briefcase’s own', () => {
  expect(visibleFields(schema).map((f) => f.name)).toEqual([
    'Name',
    'OwnerId',
    'Rating',
    'Description',
  ])
  expect(visibleFields(schema, [], true).map((f) => f.name)).toEqual([
    'Name',
    'OwnerId',
    'Description',
  ])
  expect(visibleFields(schema, ['Description', 'Name']).map((f) => f.name)).toEqual([
    'Description',
    'Name',
  ])
})

test('a create asks for required fields, not for lookups Salesforce defaults (OwnerId)', () => {
  const fields = schema.fields
  expect(fields.Name && isRequired(fields.Name)).toBe(true)
  expect(fields.OwnerId && isRequired(fields.OwnerId)).toBe(false)
  expect(fields.Description && isRequired(fields.Description)).toBe(false)
})
