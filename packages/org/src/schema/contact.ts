import { defineObject, fullName } from './define.js'
import { derived, field, longText, reference, text } from './fields.js'
import type { ObjectDef } from './types.js'

/** Contact: LastName required; Name is derived from FirstName and LastName. */
export const contactObject: ObjectDef = defineObject({
  name: 'Contact',
  label: 'Contact',
  labelPlural: 'Contacts',
  keyPrefix: '003',
  nameField: 'Name',
  standard: [
    reference('AccountId', 'Account ID', ['Account'], 'Account'),
    text('LastName', 'Last Name', 80, { required: true }),
    text('FirstName', 'First Name', 40),
    derived('Name', 'Full Name', 'string', { length: 121 }),
    text('MailingCity', 'Mailing City', 40),
    field('Phone', 'Business Phone', 'phone', { length: 40 }),
    field('Email', 'Email', 'email', { length: 80, idLookup: true }),
    text('Title', 'Title', 128),
    field('Birthdate', 'Birthdate', 'date'),
    longText('Description', 'Contact Description'),
  ],
  derive: (r) => {
    r.Name = fullName(r)
  },
})
