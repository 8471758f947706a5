import { RelayErrorCode } from '@briefcase/protocol'
import type { DecodedYjsUpdate, FieldSchema } from '@briefcase/record'
import { MapRoot, YjsEngineDoc, decodeYjsUpdate, isDraftKey } from '@briefcase/record'
import * as Y from 'yjs'
import { RelayError, toRelayError } from '../errors.js'
import type { DocHub } from './doc-hub.js'
import type { HotDoc } from './hot-doc.js'
import { checkDocumentAuthor } from './identity-guard.js'
import type { GuardContext } from './update-guard.js'
import { guardDecodedUpdate } from './update-guard.js'

/** Who writes through a device connection, and which fields they may edit. */
export interface DeviceWriter {
  user: string
  device: string
  /** True when the user may write the field (createable for a draft, else updateable). */
  editable: (field: string) => boolean
  /** True when the user may delete the record. */
  canDelete: boolean
  /**
   * While the device creates the record: throws when a lookup names a Salesforce record the
   * user may not create under (see `deviceWriter`).
   */
  parent?: (field: FieldSchema, id: string) => void
}

/** The guard's context for a device's update of `hot`. */
function guardContext(hub: DocHub, hot: HotDoc, writer: DeviceWriter): GuardContext {
  const engineDoc = hot.doc.engineDoc
  const key = hot.doc.key
  return {
    docName: hot.doc.name,
    draftKey: isDraftKey(key) ? key : null,
    user: writer.user,
    device: writer.device,
    schema: hot.group.schema,
    editable: writer.editable,
    canDelete: writer.canDelete,
    creatingDraft: isDraftKey(key) && engineDoc.get(MapRoot.meta, 'name') === undefined,
    ...(writer.parent ? { parent: writer.parent } : {}),
    ownerOf: (client) => hub.ownerOf(hot, client),
  }
}

/**
 * The Salesforce Ids that a device's update, creating a record, names in its lookups: their
 * rights are asked of Salesforce before {@link applyDeviceUpdate} (an update the guard refuses
 * names none here; applying it refuses it).
 */
export function parentIdsOf(
  hub: DocHub,
  hot: HotDoc,
  payload: Uint8Array,
  writer: DeviceWriter,
): string[] {
  const engineDoc = hot.doc.engineDoc
  if (!writer.parent || !(engineDoc instanceof YjsEngineDoc)) return []
  const ids = new Set<string>()
  try {
    const decoded = decodeYjsUpdate(payload)
    engineDoc.checkDecoded(decoded)
    guardDecodedUpdate(engineDoc.ydoc, decoded, {
      ...guardContext(hub, hot, writer),
      parent: (_field, id) => void ids.add(id),
    })
  } catch {
    return []
  }
  return [...ids]
}

/**
 * Applies a device's raw Yjs update to a hot document after the structural check
 * (`YjsEngineDoc.check`), the identity check (the session's device is no other user's in the
 * document; stamps, author entries and claims name the session: `identity-guard.ts`) and the
 * authorization check ({@link guardYjsUpdate}). Nothing is applied when any refuses (`RelayError`). The change reaches the store with the hub's next commit.
 */
export function applyDeviceUpdate(
  hub: DocHub,
  hot: HotDoc,
  payload: Uint8Array,
  writer: DeviceWriter,
  origin: unknown,
): void {
  const engineDoc = hot.doc.engineDoc
  if (!(engineDoc instanceof YjsEngineDoc)) {
    throw new RelayError(RelayErrorCode.engineMismatch, 'The relay syncs Yjs documents only.')
  }
  // Decoded once, for the structural check and the guard (Yjs decodes it again to apply it).
  let decoded: DecodedYjsUpdate
  try {
    decoded = decodeYjsUpdate(payload)
    engineDoc.checkDecoded(decoded)
  } catch (error) {
    throw toRelayError(error)
  }
  const ydoc = engineDoc.ydoc
  checkDocumentAuthor(ydoc, writer)
  const clients = guardDecodedUpdate(ydoc, decoded, guardContext(hub, hot, writer))
  Y.applyUpdate(ydoc, payload, origin)
  hot.owners ??= new Map()
  for (const client of clients) if (!hot.owners.has(client)) hot.owners.set(client, writer.device)
  hub.noteUser(hot, writer.user)
}
