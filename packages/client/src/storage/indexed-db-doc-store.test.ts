import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { runDocStoreContract } from './doc-store.contract.js'
import { IndexedDbDocStore } from './indexed-db-doc-store.js'
import { StorageGuard } from './storage-guard.js'

const make = (factory: IDBFactory, guard: StorageGuard): IndexedDbDocStore =>
  new IndexedDbDocStore({ factory, prefix: 'briefcase:u1:doc:', durability: 'strict', guard })

runDocStoreContract('IndexedDbDocStore', make)

describe('IndexedDbDocStore', () => {
  it('keeps each record in its own database, named with the user prefix, and deletes it', async () => {
    const factory = new IDBFactory()
    const store = make(factory, new StorageGuard(() => undefined))
    const doc = 'Account/001000000000001AAA'
    const y = new Y.Doc()
    y.getMap('m').set('Name', 'Acme')
    await store.append(doc, Y.encodeStateAsUpdate(y))
    const name = `briefcase:u1:doc:${doc}`
    expect(store.databaseName(doc)).toBe(name)
    expect((await factory.databases()).map((d) => d.name)).toContain(name)
    await store.remove(doc)
    expect((await factory.databases()).map((d) => d.name)).not.toContain(name)
  })
})
