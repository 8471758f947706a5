import { defineObject } from './define.js'
import { derived, field, longText, number, picklist, reference, text } from './fields.js'
import type { ObjectDef, StoredRecord } from './types.js'

/** Each stage and the probability the workflow field update sets when a record enters it. */
export const STAGE_PROBABILITY: Readonly<Record<string, number>> = {
  Prospecting: 10,
  Qualification: 20,
  'Needs Analysis': 20,
  'Proposal/Price Quote': 75,
  'Negotiation/Review': 90,
  'Closed Won': 100,
  'Closed Lost': 0,
}

/** Opportunity stages in sales order. */
export const STAGES: readonly string[] = Object.keys(STAGE_PROBABILITY)

function deriveOpportunity(r: StoredRecord): void {
  const stage = typeof r.StageName === 'string' ? r.StageName : ''
  r.IsClosed = stage.startsWith('Closed')
  r.IsWon = stage === 'Closed Won'
}

/** Opportunity: Private sharing, StageName and CloseDate required, stage → probability workflow. */
export const opportunityObject: ObjectDef = defineObject({
  name: 'Opportunity',
  label: 'Opportunity',
  labelPlural: 'Opportunities',
  keyPrefix: '006',
  nameField: 'Name',
  sharing: 'Private',
  standard: [
    reference('AccountId', 'Account ID', ['Account'], 'Account'),
    text('Name', 'Name', 120, { required: true }),
    longText('Description', 'Description'),
    picklist('StageName', 'Stage', STAGES, { required: true, restrictedPicklist: true }),
    number('Amount', 'Amount', 'currency', 18, 2),
    number('Probability', 'Probability (%)', 'percent', 3, 0),
    field('CloseDate', 'Close Date', 'date', { required: true }),
    picklist('Type', 'Opportunity Type', ['Existing Business', 'New Business']),
    derived('IsClosed', 'Closed', 'boolean'),
    derived('IsWon', 'Won', 'boolean'),
  ],
  derive: deriveOpportunity,
})
