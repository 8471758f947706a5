import { formatDateTime } from '../datetime.js'
import { makeId } from '../ids.js'
import type { StoredRecord, StoredValue } from '../schema/types.js'
import { recordAccess, type Caller } from '../security/access.js'
import { callerFor, type OrgState } from '../state.js'
import { DASHBOARDS, type ComponentDef, type DashboardDef } from './definitions.js'

/** The definition behind a Dashboard record, by DeveloperName. */
export function dashboardDef(developerName: string): DashboardDef | undefined {
  return DASHBOARDS.find((d) => d.developerName === developerName)
}

function componentId(dashboardIndex: number, componentIndex: number): string {
  return makeId('01a', dashboardIndex * 10 + componentIndex + 1)
}

function reportId(dashboardIndex: number, componentIndex: number): string {
  return makeId('00O', dashboardIndex * 10 + componentIndex + 1)
}

const FOLDER_ID = makeId('00l', 1)

function money(value: number): string {
  return `USD ${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

function groupLabel(state: OrgState, def: ComponentDef, value: StoredValue): string {
  if (value === null || value === undefined || value === '') return '-'
  if (def.groupBy === 'OwnerId' && typeof value === 'string')
    return String(state.store.get('User', value)?.Name ?? value)
  return String(value)
}

function reportResult(
  state: OrgState,
  runAs: Caller,
  def: ComponentDef,
  ids: { report: string },
): Record<string, unknown> {
  const object = state.schema.object(def.object)
  const rows: Readonly<StoredRecord>[] = []
  if (object) {
    for (const r of state.store.all(object.name)) {
      if (r.IsDeleted === true || recordAccess(state.store, runAs, object, r) === 'none') continue
      if (def.where && !def.where(r)) continue
      rows.push(r)
    }
  }
  const groups = new Map<
    string,
    { value: StoredValue; label: string; total: number; count: number }
  >()
  for (const r of rows) {
    const value = r[def.groupBy] ?? null
    const key = String(value)
    const g = groups.get(key) ?? { value, label: groupLabel(state, def, value), total: 0, count: 0 }
    g.count += 1
    if (def.aggregate.kind === 'sum') g.total += Number(r[def.aggregate.field] ?? 0)
    groups.set(key, g)
  }
  const ordered = [...groups.values()].sort((a, b) => a.label.localeCompare(b.label))
  const aggregateName = def.aggregate.kind === 'sum' ? def.aggregate.column : 'RowCount'
  const cell = (g: { total: number; count: number }): { label: string; value: number } =>
    def.aggregate.kind === 'sum'
      ? { label: money(g.total), value: g.total }
      : { label: String(g.count), value: g.count }
  const factMap: Record<string, unknown> = {
    'T!T': {
      aggregates: [cell({ total: ordered.reduce((s, g) => s + g.total, 0), count: rows.length })],
    },
  }
  ordered.forEach((g, i) => {
    factMap[`${i}!T`] = { aggregates: [cell(g)] }
  })
  return {
    attributes: null,
    allData: true,
    factMap,
    groupingsAcross: null,
    groupingsDown: {
      groupings: ordered.map((g, i) => ({
        groupings: [],
        key: String(i),
        label: g.label,
        value: g.value,
      })),
    },
    hasDetailRows: false,
    reportExtendedMetadata: {
      aggregateColumnInfo: {
        [aggregateName]: {
          acrossGroupingContext: null,
          dataType: def.aggregate.kind === 'sum' ? 'currency' : 'int',
          downGroupingContext: null,
          label: def.aggregate.kind === 'sum' ? def.aggregate.label : 'Record Count',
        },
      },
      detailColumnInfo: {},
      groupingColumnInfo: {
        [def.groupColumn]: { dataType: 'string', groupingLevel: 0, label: def.groupLabel },
      },
    },
    reportMetadata: {
      aggregates: [aggregateName],
      chart: null,
      currency: 'USD',
      description: null,
      detailColumns: [],
      developerName: def.reportName.replace(/\W+/g, '_'),
      division: null,
      folderId: FOLDER_ID,
      groupingsAcross: [],
      groupingsDown: [
        { dateGranularity: 'None', name: def.groupColumn, sortAggregate: null, sortOrder: 'Asc' },
      ],
      hasDetailRows: false,
      hasRecordCount: true,
      historicalSnapshotDates: [],
      id: ids.report,
      name: def.reportName,
      reportBooleanFilter: null,
      reportFilters: [],
      reportFormat: 'SUMMARY',
      reportType: { label: object?.labelPlural ?? def.object, type: def.object },
      scope: 'organization',
      showGrandTotal: true,
      showSubtotals: true,
      sortBy: [],
      standardDateFilter: null,
      standardFilters: [],
    },
  }
}

/** The dashboard a Dashboard record describes, with its index among the definitions. */
export function dashboardOf(
  record: Readonly<StoredRecord>,
): { def: DashboardDef; index: number } | undefined {
  const index = DASHBOARDS.findIndex((d) => d.developerName === record.DeveloperName)
  const def = DASHBOARDS[index]
  return def ? { def, index } : undefined
}

/** Dashboard metadata (`dashboardMetadata`, also `GET …/describe`). */
export function dashboardMetadata(
  state: OrgState,
  record: Readonly<StoredRecord>,
  version: string,
): Record<string, unknown> | undefined {
  const found = dashboardOf(record)
  if (!found) return undefined
  const { def, index } = found
  const id = String(record.Id)
  const runningUser = state.store.get('User', String(record.RunningUserId))
  return {
    attributes: {
      dashboardId: id,
      dashboardName: def.title,
      statusUrl: `/services/data/v${version}/analytics/dashboards/${id}/status`,
      type: 'Dashboard',
    },
    canChangeRunningUser: false,
    canUseStickyFilter: false,
    chartTheme: 'light',
    colorPalette: 'unity',
    components: def.components.map((c, i) => ({
      componentData: i,
      footer: null,
      header: null,
      id: componentId(index, i),
      properties: {
        aggregates: [{ name: c.aggregate.kind === 'sum' ? c.aggregate.column : 'RowCount' }],
        autoSelectColumns: false,
        filterColumns: [],
        groupings: [{ name: c.groupColumn }],
        maxRows: null,
        sort: { column: c.groupColumn, sortOrder: 'asc' },
        useReportChart: false,
        visualizationProperties: {
          axisRange: 'Auto',
          decimalPrecision: -1,
          displayUnits: 'Auto',
          drillURL: null,
          groupByType: 'None',
          legendPosition: 'Bottom',
          showValues: false,
        },
        visualizationType: c.visualization,
      },
      reportId: reportId(index, i),
      title: c.title,
      type: 'Report',
    })),
    dashboardType: def.dashboardType,
    description: def.description,
    developerName: def.developerName,
    filters: [],
    folderId: FOLDER_ID,
    id,
    layout: {
      gridLayout: false,
      columns: [
        { components: def.components.map((_c, i) => i).filter((i) => i % 2 === 0) },
        { components: def.components.map((_c, i) => i).filter((i) => i % 2 === 1) },
      ],
    },
    maxFilterOptions: 50,
    name: def.title,
    runningUser: { displayName: String(runningUser?.Name ?? ''), id: String(record.RunningUserId) },
  }
}

/**
 * Dashboard results: metadata plus every component's report data computed from the org's
 * current records, as the running user (SpecifiedUser) or the caller (LoggedInUser) sees them.
 */
export function dashboardResults(
  state: OrgState,
  caller: Caller,
  record: Readonly<StoredRecord>,
  version: string,
  now: number,
  componentIds?: readonly string[],
): Record<string, unknown> | undefined {
  const found = dashboardOf(record)
  const metadata = dashboardMetadata(state, record, version)
  if (!found || !metadata) return undefined
  const { def, index } = found
  const runAs =
    def.dashboardType === 'LoggedInUser'
      ? caller
      : (callerFor(state, String(record.RunningUserId)) ?? caller)
  const componentData = def.components
    .map((c, i) => ({ c, i, id: componentId(index, i) }))
    .filter(
      ({ id }) =>
        !componentIds || componentIds.some((want) => want.slice(0, 15) === id.slice(0, 15)),
    )
    .map(({ c, i, id }) => ({
      componentId: id,
      reportResult: reportResult(state, runAs, c, { report: reportId(index, i) }),
      status: {
        dataStatus: 'DATA',
        errorCode: null,
        errorMessage: null,
        errorSeverity: null,
        refreshDate: formatDateTime(now),
        refreshStatus: 'IDLE',
      },
    }))
  return { componentData, dashboardMetadata: metadata }
}

/** Dashboard status: each component IDLE, refreshed now. */
export function dashboardStatus(
  record: Readonly<StoredRecord>,
  now: number,
): Record<string, unknown> | undefined {
  const found = dashboardOf(record)
  if (!found) return undefined
  return {
    componentStatus: found.def.components.map((_c, i) => ({
      componentId: componentId(found.index, i),
      refreshDate: formatDateTime(now),
      refreshStatus: 'IDLE',
    })),
  }
}
