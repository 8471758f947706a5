import type { DocName, RecordKey } from '@briefcase/record'
import type { PendingChangeView } from '../pending-view.js'
import type { IndexRecord } from '../storage/index-record.js'
import { recordPending, relayHasAll } from '../storage/index-record.js'
import type { Viewer } from './pending-state.js'
import { beatenFor, pendingStateOf, stampTime, supersededFor } from './pending-state.js'

/** The pending-list view of an index entry, or `null` when the record is not on the list. */
export function toPendingView(record: IndexRecord, viewer: Viewer): PendingChangeView | null {
  const pending = recordPending(record)
  const state = pendingStateOf(pending, relayHasAll(record), viewer)
  if (!pending || state === null) return null
  const first = pending.fields.find((f) => f.at === pending.firstChangeAt) ?? pending.fields[0]
  const status = pending.status
  const deleteAuthor = pending.operation === 'delete' ? (pending.deleted?.author ?? null) : null
  return {
    doc: record.doc as DocName,
    sobject: record.sobject,
    key: record.key as RecordKey,
    name: record.name,
    salesforceId: pending.salesforceId,
    operation: pending.operation,
    fields: pending.fields,
    author: pending.operation === null ? null : (deleteAuthor ?? first?.author ?? null),
    firstChangeAt: pending.firstChangeAt,
    changedAt: stampTime(pending.firstChangeAt),
    state,
    error:
      state === 'failed' && status
        ? {
            code: status.code ?? 'UNKNOWN',
            message: status.message ?? '',
            fields: status.fields ?? [],
          }
        : null,
    retrying: status?.state === 'retrying' ? (status.attempt ?? 1) : null,
    superseded: supersededFor(pending, viewer),
    deleted: pending.deleted,
    beaten: beatenFor(pending, viewer),
    dependsOn: pending.dependsOn,
  }
}
