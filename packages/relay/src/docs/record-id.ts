import { isDraftKey } from '@briefcase/record'
import type { HotDoc } from './hot-doc.js'

/**
 * The Salesforce Id of a document's record, or null for a draft Salesforce does not have yet
 * (its creator's alone, no record-level rights to ask about).
 */
export function recordIdOf(hot: HotDoc): string | null {
  const key = hot.doc.key
  return isDraftKey(key) ? hot.doc.salesforceId() : key
}
