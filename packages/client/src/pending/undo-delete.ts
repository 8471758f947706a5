import { BriefcaseClientError, BriefcaseClientErrorCode } from '../errors.js'
import { docNameOf } from '../records/record-access.js'
import type { IndexRecord } from '../storage/index-record.js'
import { recordDocs } from '../storage/index-record.js'
import { covers } from '../sync/state-vectors.js'
import type { UserSpace } from '../user-space.js'

/**
 * True while the record holds a delete made on this device that has not left it: the relay's
 * state vector does not cover the device's, so no other device, and not Salesforce, has it.
 */
export function canUndoDelete(record: IndexRecord, device: string): boolean {
  const pending = record.pending
  return (
    pending?.operation === 'delete' &&
    pending.deleted !== null &&
    !pending.deleted.onServer &&
    pending.deleted.author.device === device &&
    !covers(record.relaySV, record.deviceSV)
  )
}

/**
 * Takes back this device's delete of a record before it leaves the device: the delete is
 * dropped from the record document (a new change, like any edit), so the record returns with
 * the edits it held. Refused with `BRIEFCASE_INVALID_OPERATION` once the relay holds the delete
 * (other devices may have it; deletes win from then on) or when there is no such delete.
 */
export async function undoDelete(space: UserSpace, doc: string): Promise<void> {
  const name = docNameOf(doc)
  const refuse = (why: string): BriefcaseClientError =>
    new BriefcaseClientError(
      BriefcaseClientErrorCode.invalidOperation,
      `The delete of ${name} cannot be undone: ${why}.`,
    )
  const record = await space.docs.with(name, async (loaded) => {
    // Read after acquiring: a sync that finished meanwhile has updated the relay's state vector.
    const record = await space.index.get(name)
    if (!record || record.pending?.operation !== 'delete') throw refuse('it is not deleted')
    if (!canUndoDelete(record, space.actor.device)) throw refuse('it has left this device')
    loaded.document.rollBack({ fields: {}, delete: true })
    return record
  })
  // A draft's other documents were deleted with it.
  for (const part of recordDocs(record).slice(1)) {
    if (part.pending?.operation !== 'delete') continue
    await space.docs.with(part.name, (loaded) => {
      if (loaded.document.isDeleted()) loaded.document.rollBack({ fields: {}, delete: true })
    })
  }
}
