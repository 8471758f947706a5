import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { IndexedDbDocStore } from '../storage/indexed-db-doc-store.js'
import { StorageGuard } from '../storage/storage-guard.js'

/** Bytes and rows y-indexeddb stores for one document after 1 and after 100 opens. */
export interface YIndexeddbGrowth {
  one: number
  hundred: number
  rows: number
}

/**
 * Opens a document 100 times through y-indexeddb's `IndexeddbPersistence` (the page's global
 * `indexedDB`) and measures what it stores. With `prefilled` the Y.Doc already holds the record
 * when the persistence binds (loaded from the network first); otherwise it is empty and the
 * record is loaded from IndexedDB.
 */
export async function yIndexeddbGrowth(
  state: Uint8Array,
  prefilled: boolean,
): Promise<YIndexeddbGrowth> {
  const name = `bench-y-indexeddb-${prefilled ? 'prefilled' : 'empty'}-${Math.random()}`
  const reader = new IndexedDbDocStore({
    factory: indexedDB,
    prefix: '',
    durability: 'relaxed',
    guard: new StorageGuard(() => undefined),
  })
  const bytes = async (): Promise<[number, number]> => {
    const { rows } = await reader.load(name)
    reader.close()
    return [rows.reduce((s, r) => s + r.byteLength, 0), rows.length]
  }
  const open = async (): Promise<void> => {
    const ydoc = new Y.Doc()
    if (prefilled) Y.applyUpdate(ydoc, state)
    const persistence = new IndexeddbPersistence(name, ydoc)
    await persistence.whenSynced
    if (!prefilled && ydoc.share.size === 0) Y.applyUpdate(ydoc, state)
    await new Promise((r) => setTimeout(r, 0))
    await persistence.destroy()
    ydoc.destroy()
  }
  await open()
  const [one] = await bytes()
  for (let i = 0; i < 99; i++) await open()
  const [hundred, rows] = await bytes()
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(name)
    r.onsuccess = () => resolve()
    r.onerror = () => resolve()
  })
  return { one, hundred, rows }
}
