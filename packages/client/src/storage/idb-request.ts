/** Resolves with a request's result, rejects with its error. */
export function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = (event) => {
      event.preventDefault()
      reject(request.error ?? new Error('IndexedDB request failed'))
    }
  })
}

/**
 * Resolves when a transaction committed; rejects with its error when it failed or was aborted
 * (a quota error surfaces here, as `QuotaExceededError`).
 */
export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = (event) => event.preventDefault()
    tx.onabort = () =>
      reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'))
  })
}

/** Opens (and creates or upgrades) a database; other connections close when it is deleted. */
export function openDatabase(
  factory: IDBFactory,
  name: string,
  version: number,
  upgrade: (db: IDBDatabase, tx: IDBTransaction, oldVersion: number) => void,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version)
    request.onupgradeneeded = (event) => {
      const tx = request.transaction
      if (tx) upgrade(request.result, tx, event.oldVersion)
    }
    request.onerror = (event) => {
      event.preventDefault()
      reject(request.error ?? new Error(`Cannot open ${name}`))
    }
    request.onblocked = () => {
      // Another connection of an older version is open (another tab): it closes on
      // `versionchange`, after which the open proceeds.
    }
    request.onsuccess = () => {
      const db = request.result
      db.onversionchange = () => db.close()
      resolve(db)
    }
  })
}

/** Deletes a database (open connections close through their `versionchange` handler). */
export function deleteDatabase(factory: IDBFactory, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name)
    request.onsuccess = () => resolve()
    request.onerror = (event) => {
      event.preventDefault()
      reject(request.error ?? new Error(`Cannot delete ${name}`))
    }
  })
}

/** Names of every database of this origin, where the factory can list them. */
export async function databaseNames(factory: IDBFactory): Promise<string[] | null> {
  if (typeof factory.databases !== 'function') return null
  const list = await factory.databases()
  return list.flatMap((d) => (d.name === undefined ? [] : [d.name]))
}
