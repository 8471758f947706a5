import { defineObject } from './define.js'
import { field, longText, picklist, reference, text } from './fields.js'
import type { ObjectDef } from './types.js'

/** Site visit statuses. */
export const VISIT_STATUSES: readonly string[] = ['Planned', 'In Progress', 'Done']

/** Site_Visit__c: the custom object, a technician's visit to an account (optionally for a case). */
export const siteVisitObject: ObjectDef = defineObject({
  name: 'Site_Visit__c',
  label: 'Site Visit',
  labelPlural: 'Site Visits',
  keyPrefix: 'a0V',
  nameField: 'Name',
  standard: [text('Name', 'Site Visit Name', 80, { required: true })],
  custom: [
    reference('Account__c', 'Account', ['Account'], 'Account__r'),
    reference('Case__c', 'Case', ['Case'], 'Case__r'),
    field('Visit_Date__c', 'Visit Date', 'date'),
    picklist('Status__c', 'Status', VISIT_STATUSES, { restrictedPicklist: true }),
    longText('Notes__c', 'Notes'),
    reference('Technician__c', 'Technician', ['User'], 'Technician__r'),
    // Where Briefcase's relay captures the device time of an offline edit (capture option).
    field('Briefcase_Edited_At__c', 'Edited Offline At', 'datetime'),
  ],
})
