/**
 * One crash trial's data: records in the org, relay documents in a SQLite file (as devices left
 * them: offline edits by two users, a long text edited on both, drafts of parents and children,
 * a delete), and what the merged state should be.
 */
import type { Org, OrgUser } from '@briefcase/org'
import type { DescribeField, RecordDocument } from '@briefcase/record'
import {
  RecordDocument as Doc,
  createHybridClock,
  parseDeviceId,
  schemaFromDescribe,
  yjsEngine,
} from '@briefcase/record'
import type { FieldGroupRecord } from '@briefcase/relay'
import { DocHub, SqliteRelayStore } from '@briefcase/relay'
import { Connection } from 'jsforce'

const quiet = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => quiet,
}

/** A relay hub on a SQLite file (closed with `close`). */
export function openHub(file: string): {
  store: SqliteRelayStore
  hub: DocHub
  close(): Promise<void>
} {
  const store = new SqliteRelayStore({ file })
  const hub = new DocHub({
    store,
    engine: yjsEngine,
    logger: quiet as unknown as ConstructorParameters<typeof DocHub>[0]['logger'],
  })
  return {
    store,
    hub,
    close: async () => {
      await hub.close()
      await store.close()
    },
  }
}

/** What a trial expects: per document, the merged values of the fields devices edited. */
export interface TrialExpectation {
  /** Document name → field → value (merged on the devices, before the relay ever wrote). */
  values: Map<string, Record<string, unknown>>
  /** Documents deleted by a device. */
  deleted: Set<string>
  /** Draft keys of records created offline. */
  drafts: string[]
  group: Map<string, string>
  /** A child document's name → the draft key of the parent its AccountId names. */
  parentOf: Map<string, string>
}

/** The org session of a user. */
export function connect(url: string, org: Org, user: OrgUser): Connection {
  return new Connection({
    instanceUrl: url,
    accessToken: org.issueToken(user.username),
    version: '62.0',
  })
}

const describes = new Map<string, Promise<{ name: string; fields: DescribeField[] }>>()

/** The field group of an object as rep1 describes it, stored in the hub. */
export async function groupOf(
  conn: Connection,
  sobject: string,
  hub: DocHub,
): Promise<FieldGroupRecord> {
  let described = describes.get(sobject)
  if (!described) {
    described = conn.describe(sobject) as unknown as Promise<{
      name: string
      fields: DescribeField[]
    }>
    describes.set(sobject, described)
  }
  const d = await described
  const group: FieldGroupRecord = {
    id: `${sobject}:rep`,
    sobject,
    schema: schemaFromDescribe(d),
    nameField: 'Name',
  }
  await hub.putGroup(group)
  return group
}

/**
 * Prepares a trial: creates its records in the org (as `rep1`), loads them into relay documents in
 * `file`, and applies two devices' offline work. Returns what the merged state must be.
 */
export async function prepareTrial(
  url: string,
  org: Org,
  file: string,
  random: () => number,
  trial: number,
): Promise<TrialExpectation> {
  const [rep1, rep2] = ['rep1@briefcase.test', 'rep2@briefcase.test'].map((n) =>
    org.users.find((u) => u.username === n),
  ) as [OrgUser, OrgUser]
  const conn = connect(url, org, rep1)
  const relay = openHub(file)
  const hub = relay.hub
  const accounts = await groupOf(conn, 'Account', hub)
  const contacts = await groupOf(conn, 'Contact', hub)
  const expectation: TrialExpectation = {
    values: new Map(),
    deleted: new Set(),
    drafts: [],
    group: new Map(),
    parentOf: new Map(),
  }
  let t = Date.now() - 60_000
  const clockOf = (id: string): ReturnType<typeof createHybridClock> =>
    createHybridClock({ device: parseDeviceId(id), now: () => ++t })
  const phone = { clock: clockOf('phone'), user: rep1.id }
  const tablet = { clock: clockOf('tablet'), user: rep2.id }
  const fields = Object.keys(accounts.schema.fields)
  const created = await conn.sobject('Account').create(
    [0, 1, 2, 3].map((i) => ({
      Name: `T${trial} A${i}`,
      Phone: '4155550100',
      Description: 'Shared notes.',
    })),
  )
  const ids = created.map((r) => {
    if (!r.success || !r.id) throw new Error('create failed')
    return r.id
  })
  const rows = (
    await conn.query<Record<string, unknown>>(
      `SELECT ${fields.join(', ')} FROM Account WHERE Id IN (${ids.map((id) => `'${id}'`).join(', ')})`,
    )
  ).records
  const loaded: string[] = []
  for (const id of ids) {
    const row = rows.find((r) => r.Id === id) as Record<string, unknown>
    const name = `Account/${id}`
    const ref = { name, group: accounts.id }
    hub.release(hub.create(ref, accounts))
    await hub.mutate(ref, (doc, hot) => {
      hub.noteUser(hot, rep1.id)
      doc.applyServerRecord(row, {
        salesforceId: String(row.Id) as never,
        lastModifiedDate: String(row.LastModifiedDate),
        systemModstamp: String(row.SystemModstamp),
        lastModifiedById: String(row.LastModifiedById),
      })
    })
    loaded.push(name)
  }
  const copy = async (name: string, device: typeof phone): Promise<RecordDocument> => {
    const state = await hub.read({ name, group: accounts.id }, (doc) => doc.encodeState())
    if (!state) throw new Error(`no document ${name}`)
    return Doc.open({
      engine: yjsEngine,
      name,
      schema: accounts.schema,
      state,
      actor: { user: device.user, device: device.clock.device },
      clock: device.clock,
    })
  }
  const edited: RecordDocument[] = []
  // Two users on one record: different fields, the same field, the long text on both.
  for (const name of loaded.slice(0, 3)) {
    const a = await copy(name, phone)
    const b = await copy(name, tablet)
    a.set('Name', `${name.slice(-6)} phone ${Math.floor(random() * 1000)}`)
    if (random() < 0.5) b.set('Name', `${name.slice(-6)} tablet ${Math.floor(random() * 1000)}`)
    b.set('Phone', `415555${String(1000 + Math.floor(random() * 8999))}`)
    a.insertText('Description', 0, 'Phone: ')
    b.insertText('Description', b.text('Description').length, ' Tablet.')
    a.applyUpdate(b.encodeUpdate(a.encodeStateVector()))
    b.applyUpdate(a.encodeUpdate(b.encodeStateVector()))
    edited.push(a)
  }
  const doomed = await copy(loaded[3] as string, phone)
  doomed.delete()
  expectation.deleted.add(doomed.name)
  edited.push(doomed)
  // Parents and children created offline.
  const make = (group: FieldGroupRecord, values: Record<string, unknown>): RecordDocument => {
    const doc = Doc.createDraft({
      engine: yjsEngine,
      schema: group.schema,
      values,
      actor: { user: phone.user, device: phone.clock.device },
      clock: phone.clock,
    })
    expectation.drafts.push(doc.draftKey() as string)
    expectation.group.set(doc.name, group.id)
    return doc
  }
  const parents = [0, 1].map((i) => make(accounts, { Name: `T${trial} New ${i}` }))
  const children = [0, 1, 2].map((i) => {
    const parent = parents[i % 2]?.draftKey() as string
    const child = make(contacts, { LastName: `T${trial} Kid ${i}`, AccountId: parent })
    expectation.parentOf.set(child.name, parent)
    return child
  })
  for (const doc of [...edited, ...parents, ...children]) {
    const group = expectation.group.get(doc.name) ?? accounts.id
    expectation.group.set(doc.name, group)
    const ref = { name: doc.name, group }
    const exists = await hub.read(ref, () => true)
    if (!exists)
      hub.release(hub.create(ref, group === accounts.id ? accounts : contacts, phone.user))
    await hub.mutate(ref, (relay, hot) => {
      hub.noteUser(hot, phone.user)
      relay.applyUpdate(doc.encodeUpdate(relay.encodeStateVector()), 'device')
    })
    if (!doc.isDeleted()) {
      const values = doc.values()
      const keep = doc.sobject === 'Contact' ? ['LastName'] : ['Name', 'Phone', 'Description']
      expectation.values.set(
        doc.name,
        Object.fromEntries(keep.filter((f) => f in values).map((f) => [f, values[f]])),
      )
    }
  }
  await relay.close()
  return expectation
}
