import type { CacheSource } from '@briefcase/protocol'
import type { RecordDocument, YjsEngineDoc } from '@briefcase/record'
import * as Y from 'yjs'
import type { IndexRecord } from '../packages/client/src/storage/index-record.js'
import { newIndexRecord } from '../packages/client/src/storage/index-record.js'
import { withDerived } from '../packages/client/src/pending/pending-state.js'

/**
 * The cache index entry of an Account a sync left on the device and the relay alike (its device
 * and relay state vectors both the document's), last accessed `at`, for the client benchmarks.
 */
export function syncedEntry(
  doc: RecordDocument,
  user: string,
  at: number,
  from: { source: CacheSource; item: string },
): IndexRecord {
  const sv = Y.encodeStateVector((doc.engineDoc as YjsEngineDoc).ydoc)
  return withDerived(
    {
      ...newIndexRecord({
        doc: doc.name,
        sobject: 'Account',
        key: doc.key,
        name: String(doc.get('Name')),
        sources: [from.source],
        items: [from.item],
        now: at,
        expiryMs: 30 * 86_400_000,
      }),
      pending: doc.pending(),
      deviceSV: sv,
      relaySV: sv,
    },
    { user },
  )
}
