import { IDBFactory, IDBObjectStore } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { isBriefcaseClientError } from '../errors.js'
import type { DocStore } from './doc-store.js'
import { StorageGuard } from './storage-guard.js'

/** What a contract run gets: a store over a factory, and the failures it reported. */
export interface DocStoreSetup {
  store: DocStore
  failures: { code: string; operation: string; database: string }[]
}

/** Makes a store for the contract; `factory` is shared by stores that must see the same data. */
export type MakeDocStore = (factory: IDBFactory, guard: StorageGuard) => DocStore

const DOC = 'Account/001000000000001AAA'
const OTHER = 'Account/001000000000002AAA'
const THIRD = 'Account/001000000000003AAA'

function edit(doc: Y.Doc, key: string, value: string): Uint8Array {
  let update: Uint8Array = new Uint8Array()
  doc.once('update', (u: Uint8Array) => {
    update = u
  })
  doc.getMap('m').set(key, value)
  return update
}

function merged(rows: Uint8Array[]): Record<string, unknown> {
  const copy = new Y.Doc()
  if (rows.length > 0) Y.applyUpdate(copy, Y.mergeUpdates(rows))
  return copy.getMap('m').toJSON()
}

/**
 * The behaviour every {@link DocStore} holds to (STYLE.md §16): durable ordered appends that
 * survive a new connection, no write on load, compaction that never loses a concurrent append,
 * removal of one document only, and failures that reject, are reported and are retried.
 */
export function runDocStoreContract(name: string, make: MakeDocStore): void {
  const setup = (
    factory: IDBFactory = new IDBFactory(),
  ): DocStoreSetup & { factory: IDBFactory } => {
    const failures: DocStoreSetup['failures'] = []
    const guard = new StorageGuard((error, operation, database) =>
      failures.push({ code: error.code, operation, database }),
    )
    return { factory, store: make(factory, guard), failures }
  }

  describe(`${name} (DocStore contract)`, () => {
    it('stores every append in order, durably across connections', async () => {
      const { factory, store } = setup()
      const doc = new Y.Doc()
      const updates = Array.from({ length: 20 }, (_, i) => edit(doc, `k${i}`, `v${i}`))
      await Promise.all(updates.map((u, i) => store.append(DOC, u, { durable: i % 2 === 0 })))
      await store.append(OTHER, edit(new Y.Doc(), 'other', 'x'))
      store.close()
      const { rows, lastKey } = await setup(factory).store.load(DOC)
      expect(rows).toHaveLength(20)
      expect(lastKey).not.toBeNull()
      expect(merged(rows)).toEqual(doc.getMap('m').toJSON())
    })

    it('loads nothing for a document never stored', async () => {
      expect(await setup().store.load(DOC)).toEqual({ rows: [], lastKey: null })
    })

    it('loads several documents at once, each as load reads it, in the order asked', async () => {
      const { store } = setup()
      const doc = new Y.Doc()
      const first = edit(doc, 'Name', 'Acme')
      void store.append(DOC, first, { durable: false })
      const pending = store.append(DOC, edit(doc, 'Phone', '1'), { durable: false })
      await store.append(THIRD, edit(new Y.Doc(), 'Name', 'Third'))
      // An append accepted before the read is in it.
      const many = await store.loadMany([THIRD, OTHER, DOC])
      await pending
      expect(many).toEqual([
        await store.load(THIRD),
        await store.load(OTHER),
        await store.load(DOC),
      ])
      expect(many[1]).toEqual({ rows: [], lastKey: null })
      expect(merged(many[2]?.rows ?? [])).toEqual(doc.getMap('m').toJSON())
    })

    it('never writes on load: 100 opens keep the bytes of one', async () => {
      const { store } = setup()
      await store.append(DOC, edit(new Y.Doc(), 'Name', 'Acme'))
      const once = await store.bytes(DOC)
      for (let i = 0; i < 100; i++) await store.load(DOC)
      expect(await store.bytes(DOC)).toBe(once)
    })

    it('compacts into one row unless something was appended after the rows it merged', async () => {
      const { store } = setup()
      const doc = new Y.Doc()
      for (let i = 0; i < 10; i++) await store.append(DOC, edit(doc, 'Name', `v${i}`))
      await store.append(OTHER, edit(new Y.Doc(), 'other', 'x'))
      const { lastKey } = await store.load(DOC)
      expect(await store.compact(DOC, Y.encodeStateAsUpdate(doc), lastKey ?? -1)).toBe(true)
      expect((await store.load(DOC)).rows).toHaveLength(1)
      await store.append(DOC, edit(doc, 'Name', 'late'))
      expect(await store.compact(DOC, Y.encodeStateAsUpdate(doc), lastKey ?? -1)).toBe(false)
      expect(merged((await store.load(DOC)).rows)).toEqual({ Name: 'late' })
      expect(merged((await store.load(OTHER)).rows)).toEqual({ other: 'x' })
    })

    it('replaces several documents at once, and none when one of them holds a row written after its check', async () => {
      const { store } = setup()
      const doc = new Y.Doc()
      const another = new Y.Doc()
      await store.append(DOC, edit(doc, 'Name', 'Acme'))
      await store.append(OTHER, edit(another, 'other', 'x'))
      const upTo = (await store.load(DOC)).lastKey
      const other = (await store.load(OTHER)).lastKey
      const moved = Y.encodeStateAsUpdate(doc)
      await store.append(OTHER, edit(another, 'other', 'late'))
      // (The stale one first: a layout of one database per document replaces them in order.)
      const both = [
        { doc: OTHER, state: null, upTo: other },
        { doc: THIRD, state: moved, upTo: null },
        { doc: DOC, state: null, upTo },
      ]
      expect(await store.replaceMany(both)).toBe(false)
      expect((await store.load(THIRD)).rows).toEqual([])
      expect(merged((await store.load(DOC)).rows)).toEqual({ Name: 'Acme' })
      expect(await store.replaceMany(both.slice(1))).toBe(true)
      expect(merged((await store.load(THIRD)).rows)).toEqual({ Name: 'Acme' })
      expect((await store.load(DOC)).rows).toEqual([])
      expect(merged((await store.load(OTHER)).rows)).toEqual({ other: 'late' })
    })

    it('removes one document and keeps the others', async () => {
      const { store } = setup()
      await store.append(DOC, edit(new Y.Doc(), 'Name', 'Acme'))
      await store.append(OTHER, edit(new Y.Doc(), 'other', 'x'))
      await store.remove(DOC)
      expect((await store.load(DOC)).rows).toEqual([])
      expect(merged((await store.load(OTHER)).rows)).toEqual({ other: 'x' })
    })

    it('rejects and reports a failed append, and stores it with the next one', async () => {
      const { store, failures } = setup()
      const doc = new Y.Doc()
      await store.append(DOC, edit(doc, 'a', '1'))
      const add = Object.getOwnPropertyDescriptor(IDBObjectStore.prototype, 'add')
        ?.value as IDBObjectStore['add']
      IDBObjectStore.prototype.add = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      }
      try {
        const error = await store.append(DOC, edit(doc, 'b', '2')).catch((e: unknown) => e)
        expect(isBriefcaseClientError(error, 'BRIEFCASE_STORAGE_QUOTA')).toBe(true)
        expect(failures).toEqual([
          {
            code: 'BRIEFCASE_STORAGE_QUOTA',
            operation: 'append',
            database: store.databaseName(DOC),
          },
        ])
      } finally {
        IDBObjectStore.prototype.add = add
      }
      await store.append(DOC, edit(doc, 'c', '3'))
      expect(merged((await store.load(DOC)).rows)).toEqual({ a: '1', b: '2', c: '3' })
    })
  })
}
