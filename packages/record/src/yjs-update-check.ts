import * as Y from 'yjs'
import { MAP_ROOTS } from './engine.js'
import { RecordError, RecordErrorCode } from './errors.js'

const MAPS = new Set<string>(MAP_ROOTS)

/** The Yjs root name of a long-text field. */
export function textRootName(field: string): string {
  return `t:${field}`
}

function refuse(message: string, cause?: unknown): never {
  throw new RecordError(RecordErrorCode.malformedUpdate, `Refused Yjs update: ${message}`, {
    cause,
  })
}

/**
 * Decodes a Yjs update without applying it and checks that it only holds what a record document
 * may hold: JSON values in the known maps and characters in the known long-text fields. Nested
 * types, embeds, formatting, binary content and unknown roots are refused, as are bytes that do
 * not decode. Throws `BRIEFCASE_MALFORMED_UPDATE`.
 */
export function checkYjsUpdate(update: Uint8Array, textFields: ReadonlySet<string>): void {
  checkDecodedYjsUpdate(decodeYjsUpdate(update), textFields)
}

/** A Yjs update decoded (`Y.decodeUpdate`); throws `BRIEFCASE_MALFORMED_UPDATE` when it does not. */
export function decodeYjsUpdate(update: Uint8Array): DecodedYjsUpdate {
  try {
    return Y.decodeUpdate(update)
  } catch (cause) {
    refuse('the bytes do not decode as a Yjs update.', cause)
  }
}

/** What `Y.decodeUpdate` gives: the structs and the delete set of an update. */
export type DecodedYjsUpdate = ReturnType<typeof Y.decodeUpdate>

/** {@link checkYjsUpdate} of an update already decoded (so that a caller decodes it once). */
export function checkDecodedYjsUpdate(
  decoded: DecodedYjsUpdate,
  textFields: ReadonlySet<string>,
): void {
  checkDeleteSet(decoded.ds)
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    checkOrigins(struct)
    const content = struct.content
    const isString = content instanceof Y.ContentString
    if (!(content instanceof Y.ContentAny || isString || content instanceof Y.ContentDeleted)) {
      refuse(`content of type ${content.constructor.name} is not allowed in a record document.`)
    }
    const parent: unknown = struct.parent
    if (parent === null) {
      if (struct.origin === null && struct.rightOrigin === null) refuse('an item has no parent.')
      continue
    }
    if (typeof parent !== 'string') refuse('nested types are not allowed in a record document.')
    if (MAPS.has(parent)) {
      if (typeof struct.parentSub !== 'string' || isString) {
        refuse(`root "${parent}" holds keyed JSON values only.`)
      }
    } else if (parent.startsWith('t:') && textFields.has(parent.slice(2))) {
      if (struct.parentSub !== null || content instanceof Y.ContentAny) {
        refuse(`root "${parent}" holds text only.`)
      }
    } else {
      refuse(`unknown root "${parent}".`)
    }
  }
}

/**
 * An item can only sit next to what existed when it was made: an origin of its own client is
 * at an earlier clock. Yjs keeps an item pointing to its own future waiting, and the next valid
 * update then crashes inside Yjs (`Cannot read properties of undefined`).
 */
function checkOrigins(item: Y.Item): void {
  for (const origin of [item.origin, item.rightOrigin]) {
    if (origin !== null && origin.client === item.id.client && origin.clock >= item.id.clock) {
      refuse('an item refers to a later item of its own client.')
    }
  }
}

/**
 * Every deleted range must be non-empty: Yjs keeps a range it cannot apply yet (its content has
 * not arrived) and re-encodes it, which throws lib0's raw `Unexpected case` on an empty one.
 */
function checkDeleteSet(ds: ReturnType<typeof Y.decodeUpdate>['ds']): void {
  for (const items of ds.clients.values()) {
    for (const { clock, len } of items) {
      if (!Number.isSafeInteger(clock) || !Number.isSafeInteger(len) || clock < 0 || len < 1) {
        refuse(`a deleted range (clock ${clock}, length ${len}) is empty or out of range.`)
      }
    }
  }
}

/**
 * Checks a document loaded from a whole state (one pass, instead of decoding the state twice):
 * only the known roots, JSON values under keys in the maps, characters in the long-text fields.
 * Throws `BRIEFCASE_MALFORMED_UPDATE`; the caller drops the document.
 */
export function checkYjsDoc(doc: Y.Doc, textFields: ReadonlySet<string>): void {
  for (const [name, type] of doc.share) {
    const isMap = MAPS.has(name)
    const isText = name.startsWith('t:') && textFields.has(name.slice(2))
    if (!isMap && !isText) refuse(`unknown root "${name}".`)
    for (let item = type._start; item !== null; item = item.right) {
      const ok = isText
        ? item.content instanceof Y.ContentString || item.content instanceof Y.ContentDeleted
        : item.content instanceof Y.ContentDeleted
      if (!ok) refuse(`root "${name}" holds ${isText ? 'text' : 'keyed JSON values'} only.`)
    }
    for (const item of type._map.values()) {
      if (isText) refuse(`root "${name}" holds text only.`)
      for (let it: Y.Item | null = item; it !== null; it = it.left) {
        if (!(it.content instanceof Y.ContentAny || it.content instanceof Y.ContentDeleted)) {
          refuse(`root "${name}" holds keyed JSON values only.`)
        }
      }
    }
  }
}
