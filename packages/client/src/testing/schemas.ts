import type { SchemaResponse } from '@briefcase/protocol'

/** Account as tests use it: scalar fields, a reference, long text. */
export const accountSchema: SchemaResponse = {
  schema: {
    name: 'Account',
    fields: {
      Name: { name: 'Name', type: 'string', length: 255 },
      Phone: { name: 'Phone', type: 'phone', length: 40 },
      Industry: { name: 'Industry', type: 'picklist', picklistValues: ['Energy', 'Retail'] },
      ParentId: { name: 'ParentId', type: 'reference', referenceTo: ['Account'] },
      Description: { name: 'Description', type: 'textarea', length: 32000 },
    },
  },
  label: 'Account',
  labelPlural: 'Accounts',
  nameField: 'Name',
  createable: true,
  updateable: true,
  deletable: true,
}

/** Contact as tests use it: a lookup to Account. */
export const contactSchema: SchemaResponse = {
  schema: {
    name: 'Contact',
    fields: {
      LastName: { name: 'LastName', type: 'string', length: 80 },
      AccountId: { name: 'AccountId', type: 'reference', referenceTo: ['Account'] },
    },
  },
  label: 'Contact',
  labelPlural: 'Contacts',
  nameField: 'LastName',
  createable: true,
  updateable: true,
  deletable: true,
}
