import type { SchemaResponse, SessionInfo } from '@briefcase/protocol'
import type { CacheSource } from '@briefcase/protocol'
import type { SalesforceId, YjsEngineDoc } from '@briefcase/record'
import { RecordDocument, createHybridClock, parseDeviceId, yjsEngine } from '@briefcase/record'
import * as Y from 'yjs'
import { CacheIndex } from '../storage/cache-index.js'
import { newIndexRecord } from '../storage/index-record.js'
import { openDocStore } from '../storage/open-doc-store.js'
import { SessionRegistry } from '../storage/session-registry.js'
import { StorageGuard } from '../storage/storage-guard.js'
import { withDerived } from '../pending/pending-state.js'

/** The user tests sign in as. */
export const TEST_USER = '005000000000001AAA'

/** A session as the relay describes it. */
export function sessionInfo(user = TEST_USER, device = 'test-device'): SessionInfo {
  return {
    user: { id: user, name: 'Test User', username: `${user}@example.com` },
    device,
    expiresAt: '2100-01-01T00:00:00.000Z',
    instanceUrl: 'https://org.example.com',
    engine: 'yjs',
  }
}

const guard = new StorageGuard(() => undefined)

/** Remembers a session in the browser's registry, as a completed sign-in would. */
export async function seedSession(
  factory: IDBFactory,
  info = sessionInfo(),
  token = 'token-1',
): Promise<void> {
  await new SessionRegistry(factory, guard).save({ user: info.user.id, token, info, signedInAt: 0 })
}

/** Caches schemas in the user's index. */
export async function seedSchemas(
  factory: IDBFactory,
  schemas: SchemaResponse[],
  user = TEST_USER,
): Promise<void> {
  const index = await CacheIndex.open(factory, `briefcase:${user}:index`, guard, 'relaxed')
  await index.putSchemas(schemas)
  index.close()
}

/** A record as a refresh would have cached it: Salesforce's values, synced with the relay. */
export async function seedRecord(
  factory: IDBFactory,
  options: {
    schema: SchemaResponse
    id: SalesforceId
    values: Record<string, unknown>
    lastAccess: number
    expiryMs?: number
    sources?: CacheSource[]
    user?: string
    layout?: 'database-per-record' | 'shared-database'
  },
): Promise<string> {
  const user = options.user ?? TEST_USER
  const device = parseDeviceId('relay-seed')
  const doc = RecordDocument.open({
    engine: yjsEngine,
    name: `${options.schema.schema.name}/${options.id}`,
    schema: options.schema.schema,
    actor: { user, device },
    clock: createHybridClock({ device }),
  })
  doc.applyServerRecord(options.values, {
    salesforceId: options.id,
    lastModifiedDate: '2026-01-01T00:00:00.000Z',
    systemModstamp: '2026-01-01T00:00:00.000Z',
    lastModifiedById: '005000000000009AAA',
  })
  const ydoc = (doc.engineDoc as YjsEngineDoc).ydoc
  const store = openDocStore({
    factory,
    user,
    layout: options.layout ?? 'shared-database',
    durability: 'relaxed',
    guard,
  })
  await store.append(doc.name, Y.encodeStateAsUpdate(ydoc))
  store.close()
  const index = await CacheIndex.open(factory, `briefcase:${user}:index`, guard, 'relaxed')
  const sv = Y.encodeStateVector(ydoc)
  const name = options.values[options.schema.nameField]
  const record = withDerived(
    {
      ...newIndexRecord({
        doc: doc.name,
        sobject: doc.sobject,
        key: doc.key,
        name: typeof name === 'string' ? name : doc.key,
        sources: options.sources ?? ['default'],
        now: options.lastAccess,
        expiryMs: options.expiryMs ?? 30 * 86_400_000,
      }),
      pending: doc.pending(),
      deviceSV: sv,
      relaySV: sv,
    },
    { user },
  )
  await index.update([doc.name], () => record)
  index.close()
  return doc.name
}

/** A fetch that never reaches anything (the relay is down or the device offline). */
export const unreachableFetch: typeof fetch = () => Promise.reject(new TypeError('fetch failed'))

/**
 * Rewrites a user's cache index entries as clients before ADR 0005 stored them: one document per
 * record, without the partition states (`parts`) and stored field lists (`fields`) of later ones.
 */
export async function asPreviousVersionIndex(factory: IDBFactory, user: string): Promise<number> {
  const index = await CacheIndex.open(factory, `briefcase:${user}:index`, guard, 'relaxed')
  try {
    const docs = (await index.all()).map((r) => r.doc)
    const changes = await index.update(docs, (r) => {
      if (!r) return undefined
      const previous = { ...r }
      delete previous.parts
      delete previous.fields
      return previous
    })
    return changes.length
  } finally {
    index.close()
  }
}
