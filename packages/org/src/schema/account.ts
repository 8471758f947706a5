import { defineObject } from './define.js'
import { field, longText, number, picklist, reference, text } from './fields.js'
import type { ObjectDef } from './types.js'

/** Industries offered on Account.Industry (unrestricted, as in a standard org). */
export const INDUSTRIES: readonly string[] = [
  'Agriculture',
  'Banking',
  'Construction',
  'Education',
  'Energy',
  'Healthcare',
  'Hospitality',
  'Manufacturing',
  'Retail',
  'Technology',
  'Transportation',
  'Utilities',
]

/** Account: Name required, the Phone validation rule, Rating and Credit_Limit__c under FLS. */
export const accountObject: ObjectDef = defineObject({
  name: 'Account',
  label: 'Account',
  labelPlural: 'Accounts',
  keyPrefix: '001',
  nameField: 'Name',
  standard: [
    text('Name', 'Account Name', 255, { required: true }),
    picklist('Type', 'Account Type', [
      'Prospect',
      'Customer - Direct',
      'Customer - Channel',
      'Channel Partner / Reseller',
      'Installation Partner',
      'Technology Partner',
      'Other',
    ]),
    reference('ParentId', 'Parent Account ID', ['Account'], 'Parent'),
    text('BillingStreet', 'Billing Street', 255),
    text('BillingCity', 'Billing City', 40),
    text('BillingState', 'Billing State/Province', 80),
    text('BillingPostalCode', 'Billing Zip/Postal Code', 20),
    text('BillingCountry', 'Billing Country', 80),
    field('Phone', 'Account Phone', 'phone', { length: 40 }),
    field('Website', 'Website', 'url', { length: 255 }),
    picklist('Industry', 'Industry', INDUSTRIES),
    number('AnnualRevenue', 'Annual Revenue', 'currency', 18, 0),
    number('NumberOfEmployees', 'Employees', 'int', 8, 0),
    picklist('Rating', 'Account Rating', ['Hot', 'Warm', 'Cold'], { restrictedPicklist: true }),
    longText('Description', 'Account Description'),
  ],
  custom: [
    number('Credit_Limit__c', 'Credit Limit', 'currency', 16, 2),
    // Where Briefcase's relay captures the device time of an offline edit (capture option).
    field('Briefcase_Edited_At__c', 'Edited Offline At', 'datetime'),
  ],
})
