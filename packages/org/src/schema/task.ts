import { defineObject } from './define.js'
import { derived, field, longText, picklist, reference, text } from './fields.js'
import type { ObjectDef } from './types.js'

/** Task statuses; "Completed" closes a task. */
export const TASK_STATUSES: readonly string[] = [
  'Not Started',
  'In Progress',
  'Completed',
  'Waiting on someone else',
  'Deferred',
]

/** Objects a task or event may be about (WhatId). */
export const WHAT_TARGETS: readonly string[] = ['Account', 'Opportunity', 'Case', 'Site_Visit__c']

/** People a task or event may be with (WhoId). */
export const WHO_TARGETS: readonly string[] = ['Contact', 'Lead']

/** Task: IsClosed is derived from Status; WhatId and WhoId are polymorphic lookups. */
export const taskObject: ObjectDef = defineObject({
  name: 'Task',
  label: 'Task',
  labelPlural: 'Tasks',
  keyPrefix: '00T',
  nameField: 'Subject',
  standard: [
    reference('WhoId', 'Name ID', WHO_TARGETS, 'Who'),
    reference('WhatId', 'Related To ID', WHAT_TARGETS, 'What'),
    text('Subject', 'Subject', 255),
    field('ActivityDate', 'Due Date Only', 'date'),
    picklist('Status', 'Status', TASK_STATUSES, {
      required: true,
      restrictedPicklist: true,
      fallback: 'Not Started',
      nillable: false,
    }),
    picklist('Priority', 'Priority', ['High', 'Normal', 'Low'], {
      required: true,
      restrictedPicklist: true,
      fallback: 'Normal',
      nillable: false,
    }),
    derived('IsClosed', 'Closed', 'boolean'),
    longText('Description', 'Description'),
  ],
  derive: (r) => {
    r.IsClosed = r.Status === 'Completed'
  },
})
