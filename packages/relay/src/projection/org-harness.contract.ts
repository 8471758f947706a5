/**
 * Test support for the projector and the puller (excluded from the build, like the contract
 * suites): a real org on a real port, the relay's real store and document hub, devices simulated
 * with `@briefcase/record`, and jsforce sessions per user.
 */
import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import type { Org, OrgOptions, OrgUser } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { DescribeField, ObjectSchema, RecordDocument } from '@briefcase/record'
import {
  RecordDocument as Doc,
  createHybridClock,
  parseDeviceId,
  schemaFromDescribe,
  yjsEngine,
} from '@briefcase/record'
import { Connection } from 'jsforce'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { DocHub } from '../docs/doc-hub.js'
import type { PullDocs } from '../pull/ports.js'
import type { FieldGroupRecord } from '../store/relay-store.js'
import { SqliteRelayStore } from '../store/sqlite-relay-store.js'
import type { ProjectorConfig } from './projector.js'
import type { DocRef, ObjectPermissions, ProjectionDocs, ProjectionSalesforce } from './ports.js'
import { SqliteProjectionStore } from './sqlite-projection-store.js'

for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'])
  delete process.env[name]

/** The seeded users' usernames. */
export const REP1 = 'rep1@briefcase.test'
export const REP2 = 'rep2@briefcase.test'
export const MANAGER = 'manager@briefcase.test'

/** A simulated device: its user, clock and copies of documents. */
export class Device {
  readonly user: OrgUser
  readonly clock: ReturnType<typeof createHybridClock>
  readonly #h: Harness
  readonly docs: Map<string, RecordDocument> = new Map()

  constructor(h: Harness, user: OrgUser, id: string, now?: () => number) {
    this.#h = h
    this.user = user
    this.clock = createHybridClock({ device: parseDeviceId(id), now: now ?? Date.now })
  }

  get actor(): { user: string; device: ReturnType<typeof parseDeviceId> } {
    return { user: this.user.id, device: this.clock.device }
  }

  /** The device's copy of a document, taken from the relay the first time. */
  async open(ref: DocRef): Promise<RecordDocument> {
    const known = this.docs.get(ref.name)
    if (known) return known
    const hot = await this.#h.hub.read(ref, (doc) => ({
      state: doc.encodeState(),
      schema: doc.schema,
    }))
    if (!hot) throw new Error(`No document ${ref.name}`)
    const doc = Doc.open({
      engine: yjsEngine,
      name: ref.name,
      schema: hot.schema,
      state: hot.state,
      actor: this.actor,
      clock: this.clock,
    })
    this.docs.set(ref.name, doc)
    return doc
  }

  /** Creates a record offline; returns its document and where the relay will keep it. */
  draft(
    group: FieldGroupRecord,
    values: Record<string, unknown>,
  ): { doc: RecordDocument; ref: DocRef } {
    const doc = Doc.createDraft({
      engine: yjsEngine,
      schema: group.schema,
      values,
      actor: this.actor,
      clock: this.clock,
    })
    this.docs.set(doc.name, doc)
    return { doc, ref: { name: doc.name, group: group.id } }
  }

  /** Sends what the relay lacks of a document (creating it there for a draft). */
  async push(ref: DocRef, group: FieldGroupRecord): Promise<void> {
    const doc = this.docs.get(ref.name)
    if (!doc) throw new Error(`The device has no ${ref.name}`)
    const exists = await this.#h.hub.read(ref, () => true)
    if (!exists) this.#h.hub.release(this.#h.hub.create(ref, group, this.user.id))
    await this.#h.hub.mutate(ref, (relay) =>
      relay.applyUpdate(doc.encodeUpdate(relay.encodeStateVector()), 'device'),
    )
  }

  /** Receives what the device lacks of a document. */
  async pull(ref: DocRef): Promise<RecordDocument> {
    const doc = await this.open(ref)
    const update = await this.#h.hub.read(ref, (relay) =>
      relay.encodeUpdate(doc.encodeStateVector()),
    )
    if (update) doc.applyUpdate(update)
    return doc
  }
}

/** A running org with the relay's store and hub around a projector under test. */
export interface Harness {
  org: Org
  url: string
  users: { rep1: OrgUser; rep2: OrgUser; manager: OrgUser }
  relayStore: SqliteRelayStore
  hub: DocHub
  store: SqliteProjectionStore
  docs: ProjectionDocs
  /** The documents as the puller sees them (users from the store). */
  pullDocs: PullDocs
  salesforce: ProjectionSalesforce
  /** The projector's dependencies, to pass to `createProjector` (with options of the test's). */
  config(extra?: Partial<ProjectorConfig>): ProjectorConfig
  /** A jsforce session of a user (by username). */
  conn(username: string): Connection
  /** Creates a record in the org as a user (the manager by default); returns its Id. */
  create(sobject: string, values: Record<string, unknown>, username?: string): Promise<string>
  /** The field-visibility group of a user for an object (schema from their describe). */
  group(sobject: string, username: string): Promise<FieldGroupRecord>
  /** Loads a record from the org into a relay document (as the relay does when caching it). */
  load(sobject: string, id: string, username: string): Promise<DocRef>
  device(username: string, id: string, now?: () => number): Device
  /** Records of an object in the org, deleted ones included. */
  records(sobject: string): Record<string, unknown>[]
  /** Calls the org received (method and path) since the last `clearCalls`. */
  calls(): string[]
  close(): Promise<void>
}

/** Starts an org (seeded with its three users only, by default) and the relay's storage. */
export async function startHarness(options: OrgOptions = { seed: false }): Promise<Harness> {
  const org = createOrg(options)
  const server = await new Promise<ServerType>((resolve) => {
    const s: ServerType = serve({ fetch: org.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s),
    )
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const byName = new Map(org.users.map((u) => [u.username, u]))
  const user = (name: string): OrgUser => {
    const u = byName.get(name)
    if (!u) throw new Error(`No user ${name}`)
    return u
  }
  const connections = new Map<string, Connection>()
  const conn = (username: string): Connection => {
    let c = connections.get(username)
    if (!c) {
      c = new Connection({
        instanceUrl: url,
        accessToken: org.issueToken(username),
        version: '62.0',
      })
      connections.set(username, c)
    }
    return c
  }
  const describes = new Map<string, Promise<{ name: string; fields: DescribeField[] }>>()
  const describe = (
    sobject: string,
    username: string,
  ): Promise<{ name: string; fields: DescribeField[] }> => {
    const key = `${username}|${sobject}`
    let d = describes.get(key)
    if (!d) {
      d = conn(username).describe(sobject) as unknown as Promise<{
        name: string
        fields: DescribeField[]
      }>
      describes.set(key, d)
    }
    return d
  }
  const relayStore = new SqliteRelayStore()
  const hub = new DocHub({
    store: relayStore,
    engine: yjsEngine,
    logger: pino({ level: 'silent' }),
  })
  const store = new SqliteProjectionStore({ database: relayStore.database })
  const docs: ProjectionDocs = {
    pending: () => hub.listPending(),
    withDocument: async (ref, fn) => (await hub.mutate(ref, (doc) => fn(doc)))?.value,
  }
  const pullDocs: PullDocs = {
    tracked: async (sobjects) => {
      const metas = await relayStore.listDocs({ withSalesforceId: true })
      const wanted = metas.filter((m) => !sobjects || sobjects.includes(m.sobject))
      return Promise.all(
        wanted.map(async (m) => ({
          ref: { name: m.name, group: m.group },
          sobject: m.sobject,
          salesforceId: m.salesforceId ?? '',
          users: await relayStore.docUsers(m),
        })),
      )
    },
    withDocument: (ref, fn) => docs.withDocument(ref, fn),
  }
  const byId = new Map(org.users.map((u) => [u.id, u.username]))
  const salesforce: ProjectionSalesforce = {
    connection: (userId) => {
      const name = byId.get(userId)
      return Promise.resolve(name ? conn(name) : undefined)
    },
    permissions: async (userId, sobject): Promise<ObjectPermissions | undefined> => {
      const name = byId.get(userId)
      if (!name) return undefined
      const d = await describe(sobject, name)
      const fields: ObjectPermissions['fields'] = Object.fromEntries(
        d.fields.map((f) => [
          f.name,
          { createable: f.createable === true, updateable: f.updateable === true },
        ]),
      )
      return { fields }
    },
  }
  const groups = new Map<string, FieldGroupRecord>()
  const group = async (sobject: string, username: string): Promise<FieldGroupRecord> => {
    const id = `${sobject}:${user(username).profile}`
    const known = groups.get(id)
    if (known) return known
    const schema: ObjectSchema = schemaFromDescribe(await describe(sobject, username))
    const g: FieldGroupRecord = {
      id,
      sobject,
      schema,
      nameField: schema.fields.Name ? 'Name' : null,
    }
    await hub.putGroup(g)
    groups.set(id, g)
    return g
  }
  return {
    org,
    url,
    users: { rep1: user(REP1), rep2: user(REP2), manager: user(MANAGER) },
    relayStore,
    hub,
    store,
    docs,
    pullDocs,
    salesforce,
    config: (extra = {}) => ({ docs, store, salesforce, sleep: () => Promise.resolve(), ...extra }),
    conn,
    create: async (sobject, values, username = MANAGER) => {
      const r = await conn(username).sobject(sobject).create(values)
      if (!r.success || !r.id) throw new Error(`Could not create ${sobject}`)
      return r.id
    },
    group,
    load: async (sobject, id, username) => {
      const g = await group(sobject, username)
      const fields = Object.keys(g.schema.fields)
      const soql = `SELECT ${[...new Set(['Id', 'SystemModstamp', 'LastModifiedDate', 'LastModifiedById', ...fields])].join(', ')} FROM ${sobject} WHERE Id = '${id}'`
      const row = (await conn(username).query<Record<string, unknown>>(soql)).records[0]
      if (!row) throw new Error(`${username} cannot read ${sobject} ${id}`)
      const ref = { name: `${sobject}/${String(row.Id)}`, group: g.id }
      hub.release(hub.create(ref, g))
      await hub.mutate(ref, (doc, hot) => {
        hub.noteUser(hot, user(username).id)
        doc.applyServerRecord(row, {
          salesforceId: String(row.Id) as never,
          lastModifiedDate: String(row.LastModifiedDate),
          systemModstamp: String(row.SystemModstamp),
          lastModifiedById: String(row.LastModifiedById),
        })
      })
      return ref
    },
    device: function (this: Harness, username: string, id: string, now?: () => number) {
      return new Device(this, user(username), id, now)
    },
    records: (sobject) => org.snapshot()[sobject] ?? [],
    calls: () =>
      org.calls().map((c) => `${c.method} ${c.path.replace('/services/data/v62.0', '')}`),
    close: async () => {
      await hub.close()
      await relayStore.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await org.close()
    },
  }
}
