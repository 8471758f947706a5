import { formatDate } from '../datetime.js'
import { defineObject } from './define.js'
import { derived, field, longText, number, reference, text } from './fields.js'
import { WHAT_TARGETS, WHO_TARGETS } from './task.js'
import type { ObjectDef } from './types.js'

/** Event: StartDateTime and EndDateTime required; ActivityDate and duration derive from them. */
export const eventObject: ObjectDef = defineObject({
  name: 'Event',
  label: 'Event',
  labelPlural: 'Events',
  keyPrefix: '00U',
  nameField: 'Subject',
  standard: [
    reference('WhoId', 'Name ID', WHO_TARGETS, 'Who'),
    reference('WhatId', 'Related To ID', WHAT_TARGETS, 'What'),
    text('Subject', 'Subject', 255),
    text('Location', 'Location', 255),
    derived('ActivityDate', 'Due Date Only', 'date'),
    field('StartDateTime', 'Start Date Time', 'datetime', { required: true }),
    field('EndDateTime', 'End Date Time', 'datetime', { required: true }),
    number('DurationInMinutes', 'Duration', 'int', 8, 0, { createable: false, updateable: false }),
    longText('Description', 'Description'),
  ],
  derive: (r) => {
    const start = typeof r.StartDateTime === 'number' ? r.StartDateTime : null
    const end = typeof r.EndDateTime === 'number' ? r.EndDateTime : null
    r.ActivityDate = start === null ? null : formatDate(start)
    r.DurationInMinutes = start !== null && end !== null ? Math.round((end - start) / 60_000) : null
  },
})
