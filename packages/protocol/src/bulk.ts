import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MAX_BULK_DOCS } from './routes.js'

const VERSION = 1

/** One document in a bulk request: what the device has, and what it thinks the relay lacks. */
export interface BulkRequestDoc {
  /** `<SObject>/<key>`. */
  name: string
  /** The device's sealed state vector (empty: the device has nothing yet). */
  stateVector: Uint8Array
  /** A sealed update with the device's changes the relay may lack (empty: none). */
  update: Uint8Array
}

/** One document in a bulk response. */
export type BulkResponseDoc =
  | {
      name: string
      ok: true
      /** Sealed update with what the device lacks (empty: nothing). */
      update: Uint8Array
      /** The relay's sealed state vector, after the device's update was durably stored. */
      stateVector: Uint8Array
    }
  | { name: string; ok: false; code: string; message: string }

/** Raised when bulk bytes do not decode. */
export class BulkFormatError extends Error {
  override readonly name = 'BulkFormatError' as const
  readonly code = 'BRIEFCASE_BAD_REQUEST' as const
}

function decodeList<T>(bytes: Uint8Array, read: (d: decoding.Decoder) => T): T[] {
  try {
    const d = decoding.createDecoder(bytes)
    const version = decoding.readVarUint(d)
    if (version !== VERSION)
      throw new BulkFormatError(`Unsupported bulk format version ${version}.`)
    const count = decoding.readVarUint(d)
    if (count > MAX_BULK_DOCS) {
      throw new BulkFormatError(`A bulk message carries at most ${MAX_BULK_DOCS} documents.`)
    }
    const out: T[] = []
    for (let i = 0; i < count; i++) out.push(read(d))
    if (decoding.hasContent(d)) throw new BulkFormatError('Trailing bytes after the last document.')
    return out
  } catch (e) {
    if (e instanceof BulkFormatError) throw e
    throw new BulkFormatError('Malformed bulk message.', { cause: e })
  }
}

/** Encodes a bulk request (`POST /sync/bulk`, `application/octet-stream`). */
export function encodeBulkRequest(docs: readonly BulkRequestDoc[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, VERSION)
  encoding.writeVarUint(e, docs.length)
  for (const doc of docs) {
    encoding.writeVarString(e, doc.name)
    encoding.writeVarUint8Array(e, doc.stateVector)
    encoding.writeVarUint8Array(e, doc.update)
  }
  return encoding.toUint8Array(e)
}

/** Decodes a bulk request; throws {@link BulkFormatError}. */
export function decodeBulkRequest(bytes: Uint8Array): BulkRequestDoc[] {
  return decodeList(bytes, (d) => ({
    name: decoding.readVarString(d),
    stateVector: decoding.readVarUint8Array(d),
    update: decoding.readVarUint8Array(d),
  }))
}

/** Encodes a bulk response. */
export function encodeBulkResponse(docs: readonly BulkResponseDoc[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, VERSION)
  encoding.writeVarUint(e, docs.length)
  for (const doc of docs) {
    encoding.writeVarString(e, doc.name)
    if (doc.ok) {
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint8Array(e, doc.update)
      encoding.writeVarUint8Array(e, doc.stateVector)
    } else {
      encoding.writeVarUint(e, 1)
      encoding.writeVarString(e, doc.code)
      encoding.writeVarString(e, doc.message)
    }
  }
  return encoding.toUint8Array(e)
}

/** Decodes a bulk response; throws {@link BulkFormatError}. */
export function decodeBulkResponse(bytes: Uint8Array): BulkResponseDoc[] {
  return decodeList(bytes, (d): BulkResponseDoc => {
    const name = decoding.readVarString(d)
    const status = decoding.readVarUint(d)
    if (status === 0) {
      return {
        name,
        ok: true,
        update: decoding.readVarUint8Array(d),
        stateVector: decoding.readVarUint8Array(d),
      }
    }
    if (status !== 1) throw new BulkFormatError(`Unknown document status ${status}.`)
    return { name, ok: false, code: decoding.readVarString(d), message: decoding.readVarString(d) }
  })
}
