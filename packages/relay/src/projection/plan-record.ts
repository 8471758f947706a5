import type { RecordDocument } from '@briefcase/record'
import { MapRoot } from '@briefcase/record'
import type { PlanRecord } from './plan-types.js'
import type { DocRef } from './ports.js'

/** The user who created a draft, as its document records it. */
export function creatorOf(doc: RecordDocument): string | null {
  const created = doc.engineDoc.get(MapRoot.meta, 'created')
  if (typeof created !== 'object' || created === null || Array.isArray(created)) return null
  const user = (created as { user?: unknown }).user
  return typeof user === 'string' && user !== '' ? user : null
}

/** A string of the document's `server` map (Salesforce Id, LastModifiedDate, SystemModstamp). */
export function serverString(doc: RecordDocument, key: string): string | null {
  const value = doc.engineDoc.get(MapRoot.server, key)
  return typeof value === 'string' ? value : null
}

/**
 * What the planner needs of a document, or `undefined` when Salesforce has everything (no
 * operation pending). `main`: the record's main document, when `doc` is of another partition.
 */
export function planRecordOf(
  ref: DocRef,
  doc: RecordDocument,
  main?: DocRef,
): PlanRecord | undefined {
  const pending = doc.pending()
  if (!pending || pending.operation === null) return undefined
  return {
    ...(main ? { main } : {}),
    ref,
    sobject: doc.sobject,
    salesforceId: doc.salesforceId(),
    draftKey: doc.draftKey(),
    creator: creatorOf(doc),
    pending,
    schema: doc.schema,
    systemModstamp: serverString(doc, 'systemModstamp'),
  }
}
