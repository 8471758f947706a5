import { makeId } from '../ids.js'

/** One seeded list view. */
export interface ListViewDef {
  readonly id: string
  readonly object: string
  readonly developerName: string
  readonly label: string
  readonly scope: 'everything' | 'mine' | null
  readonly recent: boolean
  readonly columns: readonly string[]
  readonly orderBy: string
}

const COLUMNS: Record<string, { plural: string; columns: string[]; orderBy: string }> = {
  Account: {
    plural: 'Accounts',
    columns: ['Name', 'BillingCity', 'Phone', 'Type', 'Owner.Alias'],
    orderBy: 'Name',
  },
  Contact: {
    plural: 'Contacts',
    columns: ['Name', 'Account.Name', 'Title', 'Phone', 'Email', 'Owner.Alias'],
    orderBy: 'Name',
  },
  Opportunity: {
    plural: 'Opportunities',
    columns: ['Name', 'Account.Name', 'Amount', 'CloseDate', 'StageName', 'Owner.Alias'],
    orderBy: 'Name',
  },
  Case: {
    plural: 'Cases',
    columns: ['CaseNumber', 'Subject', 'Status', 'Priority', 'CreatedDate', 'Owner.Alias'],
    orderBy: 'CaseNumber',
  },
  Lead: {
    plural: 'Leads',
    columns: ['Name', 'Company', 'Status', 'Email', 'Owner.Alias'],
    orderBy: 'Name',
  },
  Task: {
    plural: 'Tasks',
    columns: ['Subject', 'Who.Name', 'What.Name', 'ActivityDate', 'Status', 'Owner.Alias'],
    orderBy: 'ActivityDate',
  },
  Event: {
    plural: 'Events',
    columns: ['Subject', 'StartDateTime', 'Location', 'Owner.Alias'],
    orderBy: 'StartDateTime',
  },
  Site_Visit__c: {
    plural: 'Site Visits',
    columns: ['Name', 'Account__r.Name', 'Visit_Date__c', 'Status__c', 'Technician__r.Name'],
    orderBy: 'Name',
  },
}

/** The list views of every object that has them: All, My and Recently Viewed. */
export const LIST_VIEWS: readonly ListViewDef[] = Object.entries(COLUMNS).flatMap(
  ([object, spec], i) => {
    const dev = spec.plural.replace(/\s+/g, '')
    return [
      {
        id: makeId('00B', i * 10 + 1),
        object,
        developerName: `All${dev}`,
        label: `All ${spec.plural}`,
        scope: 'everything' as const,
        recent: false,
        columns: spec.columns,
        orderBy: spec.orderBy,
      },
      {
        id: makeId('00B', i * 10 + 2),
        object,
        developerName: `My${dev}`,
        label: `My ${spec.plural}`,
        scope: 'mine' as const,
        recent: false,
        columns: spec.columns,
        orderBy: spec.orderBy,
      },
      {
        id: makeId('00B', i * 10 + 3),
        object,
        developerName: `RecentlyViewed${dev}`,
        label: `Recently Viewed ${spec.plural}`,
        scope: null,
        recent: true,
        columns: spec.columns,
        orderBy: 'LastViewedDate',
      },
    ]
  },
)

/** The view's columns, then the hidden system columns it does not show already. */
export function allColumns(view: ListViewDef): string[] {
  const hidden = ['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp']
  return [...view.columns, ...hidden.filter((c) => !view.columns.includes(c))]
}

/** The SOQL a list view runs. */
export function listViewQuery(view: ListViewDef): string {
  const fields = allColumns(view).join(', ')
  if (view.recent) {
    return `SELECT ${fields} FROM ${view.object} WHERE LastViewedDate != NULL ORDER BY LastViewedDate DESC NULLS LAST, Id DESC NULLS LAST`
  }
  const scope = view.scope === 'mine' ? ' USING SCOPE mine' : ''
  return `SELECT ${fields} FROM ${view.object}${scope} ORDER BY ${view.orderBy} ASC NULLS FIRST, Id ASC NULLS FIRST`
}
