import type { RecordDocument } from '@briefcase/record'
import type { Connection } from 'jsforce'
import type { DocCommitEvent } from '../docs/doc-hub.js'
import { isBulkOrigin, isRemoteOrigin } from '../docs/remote-changes.js'
import type { PullDocs, PullStore, TrackedDoc } from '../pull/ports.js'
import type { Puller, PullerOptions } from '../pull/puller.js'
import { createPuller } from '../pull/puller.js'
import { trackedObjects } from '../pull/tracked-objects.js'
import { inFlightIds } from './in-flight.js'
import type { ChangeStream, ChangeStreamConfig } from '../pull/change-stream.js'
import { createChangeStream } from '../pull/change-stream.js'
import { hubChangeTarget } from '../pull/hub-change-target.js'
import type { DocKey, PendingEntry, RelayStore } from '../store/relay-store.js'
import type { ProjectionStage } from './context.js'
import type {
  DocRef,
  ObjectPermissions,
  PendingDoc,
  ProjectionDocs,
  ProjectionLogger,
  ProjectionMetrics,
  ProjectionSalesforce,
  ProjectionStore,
} from './ports.js'
import type { Projector, ProjectionOptions } from './projector.js'
import { createProjector } from './projector.js'
import { leasedProjection } from './leased-work.js'
import type { Leases } from '../lease/leases.js'
import { PULL_LEASE } from '../lease/leases.js'
import { PullLeader } from './pull-leader.js'
import { ApiBudget } from './api-budget.js'
import type { CallLog } from './logged-connection.js'
import { loggedConnection } from './logged-connection.js'

/** What the projection needs of the relay's document hub (`DocHub` fits). */
export interface ProjectionHub {
  readonly store: Pick<RelayStore, 'listDocs' | 'docUsers' | 'findBySalesforceId'>
  listPending(): Promise<PendingEntry[]>
  mutate<T>(key: DocKey, fn: (doc: RecordDocument) => T): Promise<{ value: T } | undefined>
  /** Changes several documents in one commit; resolves with how many exist. */
  mutateAll(
    keys: readonly DocKey[],
    fn: (doc: RecordDocument, key: DocKey) => void,
  ): Promise<number>
  onCommit(listener: (event: DocCommitEvent) => void): () => void
}

/** What the projection needs of the relay's Salesforce sessions (`Relay['salesforce']` fits). */
export interface ProjectionSessions {
  connectionFor(userId: string): Promise<Connection>
  describeFor(
    userId: string,
    sobject: string,
  ): Promise<{
    schema: { fields: Readonly<Record<string, { createable?: boolean; updateable?: boolean }>> }
  }>
}

/** Options of {@link createRelayProjection}. */
export interface RelayProjectionOptions {
  hub: ProjectionHub
  salesforce: ProjectionSessions
  /** The projector's outbox, draft keys and blocks (`SqliteProjectionStore` on the relay's database). */
  projectionStore: ProjectionStore
  /** The puller's watermarks (`SqlitePullStore` on the relay's database). */
  pullStore: PullStore
  logger?: ProjectionLogger
  metrics?: ProjectionMetrics
  now?: () => number
  projection?: ProjectionOptions
  pull?: PullerOptions
  /** True when a document's group is a current partition of its object (default: always). */
  isCurrent?: (sobject: string, group: string) => Promise<boolean>
  /** The group of an object's main partition (ADR 0005; default: none known, every document is main). */
  mainGroup?: (sobject: string) => Promise<string | undefined>
  /**
   * Salesforce's change events (Change Data Capture): with them each event's values are applied
   * to the documents of the records it names (the puller reads only what an event lacks), objects
   * that publish nothing are polled, and a slower safety poll stays; without them (default) the
   * puller polls every `pull.intervalMs`.
   */
  stream?: Pick<ChangeStreamConfig, 'session' | 'replay' | 'ownClient' | 'options' | 'onStage'>
  /** Test hook (the crash test): awaited at each stage of a projection call. */
  onStage?: (
    stage: ProjectionStage,
    detail: Readonly<Record<string, unknown>>,
  ) => void | Promise<void>
  /** Awaited before each pull pass with the Ids it reads (live connections' access re-check). */
  beforePull?: (ids: readonly string[]) => Promise<void>
  /**
   * Which relay projects which record and which one pulls, among relays sharing the store
   * (`PostgresLeases`). Default: this relay does everything.
   */
  leases?: Leases
}

/** The projector and the puller of a relay, wired to its hub and sessions. */
export interface RelayProjection {
  readonly projector: Projector
  readonly puller: Puller
  /** The org's API usage as last read, and the stretch of the coalescing windows. */
  readonly budget: ApiBudget
  /** The change stream, when change events are on. */
  readonly stream: ChangeStream | undefined
  /** Starts background projection (on every committed device change) and pulls. */
  start(): void
  stop(): Promise<void>
}

const silentLogger: ProjectionLogger = { debug() {}, info() {}, warn() {}, error() {} }

/**
 * The projector's view of the hub's documents: the pending ones of the current layout
 * (`isCurrent`; a retired document's edits are forwarded, never written, ADR 0005), each
 * document of another partition than its record's main one with the main one's group
 * (`mainGroup`).
 */
export function hubDocs(
  hub: ProjectionHub,
  isCurrent: (sobject: string, group: string) => Promise<boolean> = () => Promise.resolve(true),
  mainGroup: (sobject: string) => Promise<string | undefined> = () => Promise.resolve(undefined),
): ProjectionDocs {
  return {
    pending: async () => {
      const out: PendingDoc[] = []
      for (const p of await hub.listPending()) {
        if (!(await isCurrent(p.sobject, p.group))) continue
        const main = await mainGroup(p.sobject)
        out.push({
          name: p.name,
          group: p.group,
          firstChangeAt: p.firstChangeAt,
          ...(main !== undefined && main !== p.group ? { mainGroup: main } : {}),
        })
      }
      return out
    },
    withDocument: async (ref, fn) => (await hub.mutate(ref, (doc) => fn(doc)))?.value,
  }
}

/** The puller's view: documents with a Salesforce Id and the users holding them. */
export function hubPullDocs(hub: ProjectionHub, pageSize = 1000): PullDocs {
  return {
    async tracked(sobjects) {
      const out: TrackedDoc[] = []
      for (const sobject of sobjects ?? [undefined]) {
        let after: DocKey | undefined
        for (;;) {
          const page = await hub.store.listDocs({
            withSalesforceId: true,
            limit: pageSize,
            ...(sobject ? { sobject } : {}),
            ...(after ? { after } : {}),
          })
          for (const m of page) {
            if (!m.salesforceId) continue
            const ref: DocRef = { name: m.name, group: m.group }
            const users = await hub.store.docUsers(ref)
            out.push({ ref, sobject: m.sobject, salesforceId: m.salesforceId, users })
          }
          const last = page.at(-1)
          if (page.length < pageSize || !last) break
          after = { name: last.name, group: last.group }
        }
      }
      return out
    },
    withDocument: async (ref, fn) => (await hub.mutate(ref, (doc) => fn(doc)))?.value,
  }
}

/**
 * Salesforce per user: the user's connection, and their field rights from a cached describe.
 * With `log`, every call is logged and its answer's API usage read into the budget.
 */
export function sessionsSalesforce(
  sessions: ProjectionSessions,
  log?: CallLog,
): ProjectionSalesforce {
  return {
    connection: async (userId) => {
      const conn = await sessions.connectionFor(userId).catch(() => undefined)
      return conn && log ? loggedConnection(conn, userId, log) : conn
    },
    permissions: async (userId, sobject): Promise<ObjectPermissions | undefined> => {
      const view = await sessions.describeFor(userId, sobject).catch(() => undefined)
      if (!view) return undefined
      const fields: ObjectPermissions['fields'] = Object.fromEntries(
        Object.entries(view.schema.fields).map(([name, f]) => [
          name,
          { createable: f.createable !== false, updateable: f.updateable !== false },
        ]),
      )
      return { fields }
    },
  }
}

/**
 * Wires the projector and the puller into a relay: the projector reads the hub's pending index
 * and runs after every committed device change (the relay's own writes do not start it); both
 * write with each user's session. Call `start()` with the relay's and `stop()` before closing it.
 *
 * @example
 * ```ts
 * const projection = createRelayProjection({ hub: relay.hub, salesforce: relay.salesforce,
 *   projectionStore: new SqliteProjectionStore({ database: store.database }),
 *   pullStore: new SqlitePullStore({ database: store.database }), logger, metrics: relay.metrics })
 * projection.start()
 * ```
 */
export function createRelayProjection(options: RelayProjectionOptions): RelayProjection {
  let stretch: (factor: number) => void = () => undefined
  const budget = new ApiBudget({
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.projection?.apiReserve === undefined
      ? {}
      : { reserve: options.projection.apiReserve }),
    onStretch: (factor) => stretch(factor),
  })
  const silent = { debug() {}, info() {}, warn() {}, error() {} }
  const salesforce = sessionsSalesforce(options.salesforce, {
    logger: options.logger ?? silent,
    budget,
    now: options.now ?? Date.now,
  })
  const common = {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.now ? { now: options.now } : {}),
  }
  const puller = createPuller({
    docs: hubPullDocs(options.hub),
    store: options.pullStore,
    salesforce,
    inFlight: () => inFlightIds(options.projectionStore),
    ...(options.beforePull ? { beforePass: options.beforePull } : {}),
    ...common,
    ...(options.pull ? { options: options.pull } : {}),
  })
  const leases = options.leases
  const docs = hubDocs(options.hub, options.isCurrent, options.mainGroup)
  const leased = leases?.shared
    ? leasedProjection(docs, options.projectionStore, leases)
    : { docs, store: options.projectionStore }
  const projector = createProjector({
    docs: leased.docs,
    store: leased.store,
    salesforce,
    ...common,
    ...(options.projection ? { options: options.projection } : {}),
    ...(options.onStage ? { onStage: options.onStage } : {}),
  })
  stretch = (factor) => projector.schedule.stretch(factor)
  const stream = options.stream
    ? createChangeStream({
        ...options.stream,
        puller,
        pullStore: options.pullStore,
        logger: options.logger ?? silentLogger,
        objects: () => trackedObjects(options.hub.store),
        ...hubChangeTarget(options.hub, (n) =>
          options.metrics?.increment('briefcase_pull_merged_records_total', {}, n),
        ),
        outbox: () => options.projectionStore.unsettledIntents(),
        ...(options.beforePull ? { beforeApply: options.beforePull } : {}),
      })
    : undefined
  let unsubscribe: (() => void) | undefined
  const pulling = {
    start: () => (stream ? stream.start() : puller.start()),
    stop: async () => {
      await stream?.stop()
      await puller.stop()
    },
  }
  // Among relays sharing a store, one pulls (and holds the change stream) at a time.
  const leader = leases?.shared
    ? new PullLeader({
        leases,
        lease: PULL_LEASE,
        ...pulling,
        logger: options.logger ?? silentLogger,
      })
    : undefined
  return {
    projector,
    puller,
    budget,
    stream,
    start() {
      unsubscribe ??= options.hub.onCommit((event) => {
        stream?.watch(event.key.name.split('/')[0] ?? '')
        // Another relay's own writes (acknowledgements, pulls) are no device change either.
        const fromDevice = event.updates.filter(
          (u) => u.origin !== 'local' && !(isRemoteOrigin(u.origin) && !u.origin.fromDevice),
        )
        if (!event.pending || fromDevice.length === 0) return
        // Live edits are coalesced; bulk sync brings offline work, already old: written at once.
        const bulk = fromDevice.some((u) => isBulkOrigin(u.origin))
        projector.notify(event.key, bulk ? 'bulk' : 'live')
      })
      projector.start()
      if (leader) leader.begin()
      else pulling.start()
    },
    async stop() {
      unsubscribe?.()
      unsubscribe = undefined
      if (leader) await leader.end()
      else await stream?.stop()
      await projector.stop()
      await puller.stop()
    },
  }
}
