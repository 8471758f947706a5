import { defineObject } from './define.js'
import { derived, longText, picklist, reference, text } from './fields.js'
import type { ObjectDef } from './types.js'

/** Case statuses; new cases default to "New". */
export const CASE_STATUSES: readonly string[] = ['New', 'Working', 'Escalated', 'Closed']

/** Case: CaseNumber is an auto number; Status and Priority have defaults. */
export const caseObject: ObjectDef = defineObject({
  name: 'Case',
  label: 'Case',
  labelPlural: 'Cases',
  keyPrefix: '500',
  nameField: 'CaseNumber',
  standard: [
    derived('CaseNumber', 'Case Number', 'string', {
      length: 30,
      autoNumber: true,
      nillable: false,
    }),
    reference('ContactId', 'Contact ID', ['Contact'], 'Contact'),
    reference('AccountId', 'Account ID', ['Account'], 'Account'),
    picklist('Origin', 'Case Origin', ['Phone', 'Email', 'Web']),
    text('Subject', 'Subject', 255),
    picklist('Status', 'Status', CASE_STATUSES, {
      restrictedPicklist: true,
      fallback: 'New',
      nillable: true,
    }),
    picklist('Priority', 'Priority', ['High', 'Medium', 'Low'], {
      restrictedPicklist: true,
      fallback: 'Medium',
    }),
    derived('IsClosed', 'Closed', 'boolean'),
    longText('Description', 'Description'),
  ],
  derive: (r) => {
    r.IsClosed = r.Status === 'Closed'
  },
})
