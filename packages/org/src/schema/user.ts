import { defineObject, fullName } from './define.js'
import { derived, field, reference, text } from './fields.js'
import type { ObjectDef } from './types.js'

/** User: readable by everyone; only a Sales Manager may create or edit users through the API. */
export const userObject: ObjectDef = defineObject({
  name: 'User',
  label: 'User',
  labelPlural: 'Users',
  keyPrefix: '005',
  nameField: 'Name',
  sharing: 'Read',
  owned: false,
  standard: [
    text('Username', 'Username', 80, { required: true, unique: true, idLookup: true }),
    text('LastName', 'Last Name', 80, { required: true }),
    text('FirstName', 'First Name', 40),
    derived('Name', 'Full Name', 'string', { length: 121 }),
    text('Alias', 'Alias', 8, { required: true }),
    field('Email', 'Email', 'email', { length: 128, required: true }),
    text('Title', 'Title', 80),
    text('TimeZoneSidKey', 'Time Zone', 40, { defaultedOnCreate: true, defaultValue: 'GMT' }),
    field('IsActive', 'Active', 'boolean', { defaultValue: true }),
    reference('ManagerId', 'Manager ID', ['User'], 'Manager'),
    reference('ProfileId', 'Profile ID', ['Profile'], 'Profile', {
      nillable: false,
      required: true,
    }),
  ],
  derive: (r) => {
    r.Name = fullName(r)
  },
})
