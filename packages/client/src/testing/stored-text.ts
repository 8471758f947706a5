/** A request's result, or its error. */
function result<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'))
  })
}

/** A stored value as text: byte arrays byte by byte (Yjs writes field names as UTF-8). */
function asText(value: unknown): string {
  if (value instanceof Uint8Array) {
    let text = ''
    for (let i = 0; i < value.length; i += 8192) {
      text += String.fromCharCode(...value.subarray(i, i + 8192))
    }
    return text
  }
  if (value instanceof ArrayBuffer) return asText(new Uint8Array(value))
  if (Array.isArray(value)) return value.map(asText).join(' ')
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k}=${asText(v)}`)
      .join(' ')
  }
  return String(value)
}

/**
 * Everything a device stored in IndexedDB (every database, store and row, keys too), as text:
 * what a test searches for a value the device must never hold.
 */
export async function storedText(factory: IDBFactory): Promise<string> {
  const out: string[] = []
  for (const info of await factory.databases()) {
    if (!info.name) continue
    const db = await result(factory.open(info.name))
    try {
      for (const store of Array.from(db.objectStoreNames)) {
        const tx = db.transaction(store, 'readonly').objectStore(store)
        const [keys, rows] = await Promise.all([result(tx.getAllKeys()), result(tx.getAll())])
        out.push(`${info.name}/${store}: ${asText(keys)} ${asText(rows)}`)
      }
    } finally {
      db.close()
    }
  }
  return out.join('\n')
}
