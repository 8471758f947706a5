import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { runDocStoreContract } from './doc-store.contract.js'
import { IndexedDbSharedDocStore } from './indexed-db-shared-doc-store.js'
import { StorageGuard } from './storage-guard.js'

const make = (factory: IDBFactory, guard: StorageGuard): IndexedDbSharedDocStore =>
  new IndexedDbSharedDocStore({ factory, name: 'briefcase:u1:docs', durability: 'strict', guard })

runDocStoreContract('IndexedDbSharedDocStore', make)

describe('IndexedDbSharedDocStore', () => {
  it('keeps every record in one database', async () => {
    const factory = new IDBFactory()
    const store = make(factory, new StorageGuard(() => undefined))
    for (const n of [1, 2, 3]) {
      const y = new Y.Doc()
      y.getMap('m').set('n', n)
      await store.append(`Account/00100000000000${n}AAA`, Y.encodeStateAsUpdate(y))
    }
    expect((await factory.databases()).map((d) => d.name)).toEqual(['briefcase:u1:docs'])
  })
})
