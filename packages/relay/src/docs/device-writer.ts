import { RelayErrorCode } from '@briefcase/protocol'
import { RelayError } from '../errors.js'
import type { SessionIdentity } from './identity-guard.js'
import type { ObjectView } from '../salesforce/object-views.js'
import type { RecordRight } from '../salesforce/record-rights.js'
import type { DeviceWriter } from './device-writes.js'

/**
 * What a session may write to one record: the fields its object view lets it edit (createable
 * for a draft it creates, else updateable) and delete, narrowed by its record-level rights
 * (`right`, Salesforce's `UserRecordAccess`; absent for a draft, which is its creator's). While
 * it creates the record, every lookup naming a Salesforce record must name one of `parents` the
 * user may read (asked first: `parentIdsOf`), or the update is refused whole
 * (`BRIEFCASE_PARENT_FORBIDDEN`).
 *
 * @example
 * ```ts
 * const writer = deviceWriter(session, view, false, { read: true, edit: true, delete: false })
 * ```
 */
export function deviceWriter(
  identity: SessionIdentity,
  view: ObjectView,
  creating: boolean,
  right: RecordRight | undefined,
  parents: ReadonlyMap<string, RecordRight> = new Map(),
): DeviceWriter {
  const mayEdit = right === undefined || right.edit
  return {
    user: identity.user,
    device: identity.device,
    editable: (field) => mayEdit && view.editable(field, creating),
    canDelete: view.deletable && (right === undefined || right.delete),
    ...(creating
      ? {
          parent: (field, id) => {
            if (parents.get(id)?.read === true) return
            throw new RelayError(
              RelayErrorCode.parentForbidden,
              `Refused update: ${field.name} names ${id}, a record you may not read; the record cannot be created under it.`,
            )
          },
        }
      : {}),
  }
}
