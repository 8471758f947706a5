import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { EngineName } from './engine.js'
import { RecordError, RecordErrorCode } from './errors.js'
import type { DocName } from './ids.js'

/** What an envelope carries. */
export const PayloadKind = { update: 1, stateVector: 2 } as const
/** One of {@link PayloadKind}'s values. */
export type PayloadKind = (typeof PayloadKind)[keyof typeof PayloadKind]

const MAGIC_0 = 0xb7
const MAGIC_1 = 0xca
const VERSION = 1
const ENGINE_CODES: Record<EngineName, number> = { yjs: 1, automerge: 2 }

/** An envelope's header and payload. */
export interface Envelope {
  engine: EngineName
  kind: PayloadKind
  name: DocName
  payload: Uint8Array
}

/**
 * Wraps engine bytes with what they are for: magic, version, engine, kind and document name, so
 * that an update is only ever applied to a document of the same engine and name.
 */
export function sealEnvelope(e: Envelope): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeUint8(enc, MAGIC_0)
  encoding.writeUint8(enc, MAGIC_1)
  encoding.writeUint8(enc, VERSION)
  encoding.writeUint8(enc, ENGINE_CODES[e.engine])
  encoding.writeUint8(enc, e.kind)
  encoding.writeVarString(enc, e.name)
  encoding.writeUint8Array(enc, e.payload)
  return encoding.toUint8Array(enc)
}

function malformed(message: string, cause?: unknown): RecordError {
  return new RecordError(RecordErrorCode.malformedUpdate, message, { cause })
}

/** Reads an envelope; throws `BRIEFCASE_MALFORMED_UPDATE` when the bytes are not one. */
export function openEnvelope(bytes: Uint8Array): Envelope {
  if (!(bytes instanceof Uint8Array)) throw malformed('An update must be bytes (Uint8Array).')
  if (bytes.length < 6 || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) {
    throw malformed('Not a Briefcase update: missing envelope header.')
  }
  if (bytes[2] !== VERSION) throw malformed(`Unsupported envelope version ${bytes[2]}.`)
  const code = bytes[3]
  const engine = (Object.keys(ENGINE_CODES) as EngineName[]).find((e) => ENGINE_CODES[e] === code)
  if (!engine) throw malformed(`Unknown engine code ${code} in update.`)
  const kind = bytes[4]
  if (kind !== PayloadKind.update && kind !== PayloadKind.stateVector) {
    throw malformed(`Unknown payload kind ${kind} in update.`)
  }
  try {
    const dec = decoding.createDecoder(bytes)
    dec.pos = 5
    const name = decoding.readVarString(dec) as DocName
    const payload = bytes.subarray(dec.pos)
    return { engine, kind, name, payload }
  } catch (cause) {
    throw malformed('Truncated envelope header.', cause)
  }
}

/** Refuses an envelope that is not for this engine, document and kind. */
export function checkEnvelope(
  e: Envelope,
  expected: { engine: EngineName; name: DocName; kind: PayloadKind },
): void {
  if (e.engine !== expected.engine) {
    throw new RecordError(
      RecordErrorCode.engineMismatch,
      `A ${e.engine} update cannot be applied to ${expected.name}, a ${expected.engine} document.`,
    )
  }
  if (e.name !== expected.name) {
    throw new RecordError(
      RecordErrorCode.foreignUpdate,
      `An update for ${e.name} cannot be applied to ${expected.name}.`,
    )
  }
  if (e.kind !== expected.kind) {
    throw malformed(`Expected ${kindName(expected.kind)}, got ${kindName(e.kind)}.`)
  }
}

function kindName(kind: PayloadKind): string {
  return kind === PayloadKind.update ? 'an update' : 'a state vector'
}
