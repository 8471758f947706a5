import { IDBFactory, IDBObjectStore } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { isBriefcaseClientError } from '../errors.js'
import { IndexedDbDocStore } from './indexed-db-doc-store.js'
import { StorageGuard } from './storage-guard.js'

const DOC = 'Account/001000000000001AAA'

function setup(factory: IDBFactory = new IDBFactory()) {
  const failures: { code: string; operation: string; database: string }[] = []
  const guard = new StorageGuard((error, operation, database) =>
    failures.push({ code: error.code, operation, database }),
  )
  const store = new IndexedDbDocStore({
    factory,
    prefix: 'briefcase:u1:doc:',
    durability: 'strict',
    guard,
  })
  return { factory, store, failures }
}

function edit(doc: Y.Doc, key: string, value: string): Uint8Array {
  let update: Uint8Array = new Uint8Array()
  const take = (u: Uint8Array): void => {
    update = u
  }
  doc.once('update', take)
  doc.getMap('m').set(key, value)
  return update
}

describe('IndexedDbDocStore', () => {
  it('stores every append durably, in order, across connections', async () => {
    const { factory, store } = setup()
    const doc = new Y.Doc()
    const updates = Array.from({ length: 20 }, (_, i) => edit(doc, `k${i}`, `v${i}`))
    await Promise.all(updates.map((u) => store.append(DOC, u)))
    store.close()
    const reopened = setup(factory).store
    const { rows, lastKey } = await reopened.load(DOC)
    expect(rows).toHaveLength(20)
    expect(lastKey).toBe(20)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.mergeUpdates(rows))
    expect(copy.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON())
  })

  it('names databases with the user prefix', () => {
    expect(setup().store.databaseName(DOC)).toBe(`briefcase:u1:doc:${DOC}`)
  })

  it('never appends on load, so opening a record 100 times adds no byte', async () => {
    const { store } = setup()
    const doc = new Y.Doc()
    await store.append(DOC, edit(doc, 'Name', 'Acme'))
    const once = await store.bytes(DOC)
    for (let i = 0; i < 100; i++) await store.load(DOC)
    expect(await store.bytes(DOC)).toBe(once)
  })

  it('compacts rows into one state unless another writer appended meanwhile', async () => {
    const { store } = setup()
    const doc = new Y.Doc()
    for (let i = 0; i < 10; i++) await store.append(DOC, edit(doc, 'Name', `v${i}`))
    const { lastKey } = await store.load(DOC)
    expect(await store.compact(DOC, Y.encodeStateAsUpdate(doc), lastKey ?? 0)).toBe(true)
    expect((await store.load(DOC)).rows).toHaveLength(1)
    await store.append(DOC, edit(doc, 'Name', 'late'))
    expect(await store.compact(DOC, Y.encodeStateAsUpdate(doc), lastKey ?? 0)).toBe(false)
    const { rows } = await store.load(DOC)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.mergeUpdates(rows))
    expect(copy.getMap('m').get('Name')).toBe('late')
  })

  it('deletes a document database', async () => {
    const { factory, store } = setup()
    await store.append(DOC, edit(new Y.Doc(), 'Name', 'Acme'))
    await store.remove(DOC)
    const names = (await factory.databases()).map((d) => d.name)
    expect(names).not.toContain(store.databaseName(DOC))
  })

  it('rejects and reports a failed append, and keeps the update for the next one', async () => {
    const base = new IDBFactory()
    const { store, failures } = setup(base)
    const doc = new Y.Doc()
    await store.append(DOC, edit(doc, 'a', '1'))
    // Make the next transaction fail the way a full disk does.
    const original = Object.getOwnPropertyDescriptor(IDBObjectStore.prototype, 'add')
      ?.value as IDBObjectStore['add']
    let fail = true
    IDBObjectStore.prototype.add = function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (fail) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      return original.call(this, value, key)
    }
    try {
      const error = await store.append(DOC, edit(doc, 'b', '2')).catch((e: unknown) => e)
      expect(isBriefcaseClientError(error, 'BRIEFCASE_STORAGE_QUOTA')).toBe(true)
      expect(failures).toEqual([
        { code: 'BRIEFCASE_STORAGE_QUOTA', operation: 'append', database: store.databaseName(DOC) },
      ])
      fail = false
      await store.append(DOC, edit(doc, 'c', '3'))
    } finally {
      IDBObjectStore.prototype.add = original
    }
    const { rows } = await store.load(DOC)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.mergeUpdates(rows))
    expect(copy.getMap('m').toJSON()).toEqual({ a: '1', b: '2', c: '3' })
  })
})
