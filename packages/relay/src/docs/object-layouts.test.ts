import type { FieldSchema } from '@briefcase/record'
import { yjsEngine } from '@briefcase/record'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { fieldGroupId } from '../salesforce/object-views.js'
import type { FieldGroupRecord } from '../store/relay-store.js'
import { SqliteRelayStore } from '../store/sqlite-relay-store.js'
import { DocHub } from './doc-hub.js'
import { ObjectLayouts } from './object-layouts.js'

const logger = pino({ level: 'silent' })

function view(names: string[]): FieldGroupRecord {
  const fields = Object.fromEntries(
    names.map((n): [string, FieldSchema] => [n, { name: n, type: 'string' }]),
  )
  return {
    id: fieldGroupId('Account', Object.values(fields)),
    sobject: 'Account',
    schema: { name: 'Account', fields },
    nameField: 'Name',
  }
}

const rep = view(['Name', 'Phone'])
const manager = view(['Name', 'Phone', 'Credit_Limit__c'])
const repWithoutPhone = view(['Name'])

/**
 * Layouts of relays on one store (two hubs, one store object: what a shared PostgreSQL is to
 * relays): a view one records changes what the other sees, at its next access when shared.
 */
describe('ObjectLayouts on a shared store', () => {
  let store: SqliteRelayStore | undefined
  afterEach(async () => {
    await store?.close()
  })
  const relays = (shared: boolean) => {
    store = new SqliteRelayStore({ file: ':memory:' })
    const changes: string[][] = []
    const make = (record: boolean): ObjectLayouts =>
      new ObjectLayouts(
        new DocHub({ store: store as SqliteRelayStore, engine: yjsEngine, logger, shared }),
        {
          shared,
          onChange: (_sobject, layout) => {
            if (record) changes.push(layout.partitions.map((p) => p.id))
          },
        },
      )
    return { a: make(false), b: make(true), changes }
  }

  it('an access by an unchanged view sees a view another relay recorded, and says the layout changed', async () => {
    const { a, b, changes } = relays(true)
    await a.forView(rep)
    await a.forView(manager)
    const before = await b.forView(manager)
    await a.forView(repWithoutPhone)
    const after = await b.forView(manager)
    expect(after.partitions.map((p) => p.id)).not.toEqual(before.partitions.map((p) => p.id))
    expect(after.main.id).toBe(repWithoutPhone.id)
    expect(changes).toEqual([after.partitions.map((p) => p.id)])
    expect(await b.isCurrent('Account', before.main.id)).toBe(false)
    // Nothing new: no second change.
    await b.forView(manager)
    await b.reload()
    expect(changes).toHaveLength(1)
  })

  it('reload reads the views of the objects it knows again; a relay alone trusts its own', async () => {
    const shared = relays(true)
    await shared.a.forView(manager)
    await shared.a.forView(rep)
    await shared.b.forView(manager)
    await shared.a.forView(repWithoutPhone)
    await shared.b.reload(['Contact'])
    expect(shared.changes).toHaveLength(0)
    await shared.b.reload(['Account'])
    expect(shared.changes).toHaveLength(1)

    const alone = relays(false)
    await alone.a.forView(manager)
    await alone.a.forView(rep)
    await alone.b.forView(manager)
    await alone.a.forView(repWithoutPhone)
    expect((await alone.b.forView(manager)).main.id).toBe(rep.id)
    expect(alone.changes).toHaveLength(0)
  })
})
