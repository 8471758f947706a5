/** Records a briefcase filter brings along with each record it selects. */
export interface RelatedRecords {
  /** The related object (`Contact`). */
  sobject: string
  /** Its lookup field pointing at the filtered record (`AccountId`). */
  field: string
  /** An extra SOQL condition (`IsClosed = false`). */
  where?: string
  /** Label for the item's description ("open Opportunities"). */
  label: string
  /** Most related records per request (default 500). */
  limit?: number
}

/**
 * A declarative offline filter, like Field Service's offline priming: a SOQL condition on one
 * object, plus related records to cache with each record. In `where`, `{userId}` stands for the
 * signed-in user's Id (quoted).
 */
export interface BriefcaseFilter {
  /** Stable id; the offline item is `briefcase:<id>`. */
  id: string
  label: string
  sobject: string
  where: string
  /** SOQL ORDER BY (default the name field). */
  orderBy?: string
  /** Most records (default 200). */
  limit?: number
  related?: readonly RelatedRecords[]
}

/** The filters the relay offers when its options name none. */
export const DEFAULT_BRIEFCASE_FILTERS: readonly BriefcaseFilter[] = [
  {
    id: 'my-accounts',
    label: 'My Accounts',
    sobject: 'Account',
    where: 'OwnerId = {userId}',
    orderBy: 'Name',
    related: [
      { sobject: 'Contact', field: 'AccountId', label: 'Contacts' },
      {
        sobject: 'Opportunity',
        field: 'AccountId',
        where: 'IsClosed = false',
        label: 'open Opportunities',
      },
      { sobject: 'Site_Visit__c', field: 'Account__c', label: 'Site Visits' },
    ],
  },
  {
    id: 'opportunities-closing-90-days',
    label: 'Opportunities closing in 90 days',
    sobject: 'Opportunity',
    where: 'IsClosed = false AND CloseDate >= TODAY AND CloseDate <= NEXT_N_DAYS:90',
    orderBy: 'CloseDate',
  },
  {
    id: 'my-open-cases',
    label: 'My open Cases',
    sobject: 'Case',
    where: 'OwnerId = {userId} AND IsClosed = false',
    orderBy: 'CreatedDate DESC',
  },
  {
    id: 'my-site-visits-this-week',
    label: 'My Site Visits this week',
    sobject: 'Site_Visit__c',
    where: '(OwnerId = {userId} OR Technician__c = {userId}) AND Visit_Date__c = THIS_WEEK',
    orderBy: 'Visit_Date__c',
  },
]

/** The item description of a filter: what comes along. */
export function describeFilter(filter: BriefcaseFilter): string | undefined {
  const labels = (filter.related ?? []).map((r) => r.label)
  if (labels.length === 0) return undefined
  const list =
    labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`
  return `With their ${list}`
}
