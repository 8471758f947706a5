import { defineObject, fullName } from './define.js'
import { derived, field, longText, picklist, text } from './fields.js'
import type { ObjectDef } from './types.js'

/** Lead statuses; new leads default to the first. */
export const LEAD_STATUSES: readonly string[] = [
  'Open - Not Contacted',
  'Working - Contacted',
  'Closed - Converted',
  'Closed - Not Converted',
]

/** Lead: LastName, Company and Status required (Status defaults to "Open - Not Contacted"). */
export const leadObject: ObjectDef = defineObject({
  name: 'Lead',
  label: 'Lead',
  labelPlural: 'Leads',
  keyPrefix: '00Q',
  nameField: 'Name',
  standard: [
    text('LastName', 'Last Name', 80, { required: true }),
    text('FirstName', 'First Name', 40),
    derived('Name', 'Full Name', 'string', { length: 121 }),
    text('Company', 'Company', 255, { required: true }),
    field('Phone', 'Phone', 'phone', { length: 40 }),
    field('Email', 'Email', 'email', { length: 80, idLookup: true }),
    longText('Description', 'Description'),
    picklist('Status', 'Status', LEAD_STATUSES, {
      required: true,
      restrictedPicklist: true,
      fallback: 'Open - Not Contacted',
      nillable: false,
    }),
  ],
  derive: (r) => {
    r.Name = fullName(r)
  },
})
