/** How a dashboard component aggregates: a row count, or the sum of a currency field. */
export type Aggregate =
  { kind: 'count' } | { kind: 'sum'; field: string; column: string; label: string }

/** One dashboard component: a summary report grouped by one field. */
export interface ComponentDef {
  readonly title: string
  readonly object: string
  readonly reportName: string
  readonly groupBy: string
  readonly groupColumn: string
  readonly groupLabel: string
  readonly aggregate: Aggregate
  readonly visualization: 'Bar' | 'Column' | 'Donut' | 'Pie' | 'Funnel' | 'Metric' | 'Table'
  /** Which records count (e.g. only open tasks). */
  readonly where?: (record: Readonly<Record<string, unknown>>) => boolean
}

/** One seeded dashboard. */
export interface DashboardDef {
  readonly developerName: string
  readonly title: string
  readonly folder: string
  readonly description: string
  /** SpecifiedUser: runs as the running user; LoggedInUser: as whoever asks. */
  readonly dashboardType: 'SpecifiedUser' | 'LoggedInUser'
  readonly components: readonly ComponentDef[]
}

const count: Aggregate = { kind: 'count' }
const amount: Aggregate = {
  kind: 'sum',
  field: 'Amount',
  column: 's!AMOUNT',
  label: 'Sum of Amount',
}
const open = (r: Readonly<Record<string, unknown>>): boolean => r.IsClosed !== true

/** The dashboards every seeded org has. */
export const DASHBOARDS: readonly DashboardDef[] = [
  {
    developerName: 'Sales_Pipeline',
    title: 'Sales Pipeline',
    folder: 'Sales Dashboards',
    description: 'Open pipeline by stage and opportunities by type.',
    dashboardType: 'SpecifiedUser',
    components: [
      {
        title: 'Pipeline by Stage',
        object: 'Opportunity',
        reportName: 'Open Pipeline by Stage',
        groupBy: 'StageName',
        groupColumn: 'STAGE_NAME',
        groupLabel: 'Stage',
        aggregate: amount,
        visualization: 'Funnel',
        where: open,
      },
      {
        title: 'Opportunities by Type',
        object: 'Opportunity',
        reportName: 'Opportunities by Type',
        groupBy: 'Type',
        groupColumn: 'TYPE',
        groupLabel: 'Type',
        aggregate: count,
        visualization: 'Donut',
      },
    ],
  },
  {
    developerName: 'Service_Overview',
    title: 'Service Overview',
    folder: 'Service Dashboards',
    description: 'Cases by status and by priority.',
    dashboardType: 'SpecifiedUser',
    components: [
      {
        title: 'Cases by Status',
        object: 'Case',
        reportName: 'Cases by Status',
        groupBy: 'Status',
        groupColumn: 'STATUS',
        groupLabel: 'Status',
        aggregate: count,
        visualization: 'Column',
      },
      {
        title: 'Open Cases by Priority',
        object: 'Case',
        reportName: 'Open Cases by Priority',
        groupBy: 'Priority',
        groupColumn: 'PRIORITY',
        groupLabel: 'Priority',
        aggregate: count,
        visualization: 'Pie',
        where: open,
      },
    ],
  },
  {
    developerName: 'Team_Activity',
    title: 'Team Activity',
    folder: 'Sales Dashboards',
    description: 'Open tasks by owner and by status.',
    dashboardType: 'SpecifiedUser',
    components: [
      {
        title: 'Open Tasks by Owner',
        object: 'Task',
        reportName: 'Open Tasks by Owner',
        groupBy: 'OwnerId',
        groupColumn: 'ASSIGNED',
        groupLabel: 'Assigned',
        aggregate: count,
        visualization: 'Bar',
        where: open,
      },
      {
        title: 'Tasks by Status',
        object: 'Task',
        reportName: 'Tasks by Status',
        groupBy: 'Status',
        groupColumn: 'STATUS',
        groupLabel: 'Status',
        aggregate: count,
        visualization: 'Table',
      },
    ],
  },
  {
    developerName: 'Account_Coverage',
    title: 'Account Coverage',
    folder: 'Sales Dashboards',
    description: 'Accounts by industry and by rating.',
    dashboardType: 'SpecifiedUser',
    components: [
      {
        title: 'Accounts by Industry',
        object: 'Account',
        reportName: 'Accounts by Industry',
        groupBy: 'Industry',
        groupColumn: 'INDUSTRY',
        groupLabel: 'Industry',
        aggregate: count,
        visualization: 'Bar',
      },
      {
        title: 'Accounts by Rating',
        object: 'Account',
        reportName: 'Accounts by Rating',
        groupBy: 'Rating',
        groupColumn: 'RATING',
        groupLabel: 'Account Rating',
        aggregate: count,
        visualization: 'Donut',
      },
    ],
  },
  {
    developerName: 'Lead_Funnel',
    title: 'Lead Funnel',
    folder: 'Marketing Dashboards',
    description: 'Leads by status.',
    dashboardType: 'SpecifiedUser',
    components: [
      {
        title: 'Leads by Status',
        object: 'Lead',
        reportName: 'Leads by Status',
        groupBy: 'Status',
        groupColumn: 'STATUS',
        groupLabel: 'Lead Status',
        aggregate: count,
        visualization: 'Funnel',
      },
    ],
  },
  {
    developerName: 'My_Field_Work',
    title: 'My Field Work',
    folder: 'Field Service Dashboards',
    description: 'Site visits by status and the open pipeline, as the viewing user sees them.',
    dashboardType: 'LoggedInUser',
    components: [
      {
        title: 'Site Visits by Status',
        object: 'Site_Visit__c',
        reportName: 'Site Visits by Status',
        groupBy: 'Status__c',
        groupColumn: 'Site_Visit__c.Status__c',
        groupLabel: 'Status',
        aggregate: count,
        visualization: 'Column',
      },
      {
        title: 'My Open Pipeline',
        object: 'Opportunity',
        reportName: 'My Open Pipeline',
        groupBy: 'StageName',
        groupColumn: 'STAGE_NAME',
        groupLabel: 'Stage',
        aggregate: amount,
        visualization: 'Metric',
        where: open,
      },
    ],
  },
]
