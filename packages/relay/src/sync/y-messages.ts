import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'

/** y-websocket's message types. */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const

/** A decoded message from a y-websocket client. */
export type ClientMessage =
  | { type: 'syncStep1'; stateVector: Uint8Array }
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array; clients: number[] }
  | { type: 'queryAwareness' }
  | { type: 'auth' }

/** Thrown when a frame is not a y-websocket message. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError' as const
}

/** The client ids an awareness update speaks for. */
function awarenessClients(update: Uint8Array): number[] {
  const d = decoding.createDecoder(update)
  const count = decoding.readVarUint(d)
  const clients: number[] = []
  for (let i = 0; i < count; i++) {
    clients.push(decoding.readVarUint(d))
    decoding.readVarUint(d)
    decoding.readVarString(d)
  }
  return clients
}

/**
 * The part of an awareness update about the clients `keep` accepts (y-websocket clients also
 * relay other clients' states, e.g. when one times out); null when nothing is left.
 */
export function filterAwarenessUpdate(
  update: Uint8Array,
  keep: (client: number) => boolean,
): Uint8Array | null {
  const d = decoding.createDecoder(update)
  const count = decoding.readVarUint(d)
  const kept: [number, number, string][] = []
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(d)
    const clock = decoding.readVarUint(d)
    const state = decoding.readVarString(d)
    if (keep(client)) kept.push([client, clock, state])
  }
  if (kept.length === 0) return null
  if (kept.length === count) return update
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, kept.length)
  for (const [client, clock, state] of kept) {
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, clock)
    encoding.writeVarString(e, state)
  }
  return encoding.toUint8Array(e)
}

/**
 * Decodes a y-websocket frame. Sync step 2 and update messages both carry an update. Throws
 * {@link MalformedMessageError}.
 */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  try {
    const d = decoding.createDecoder(frame)
    const type = decoding.readVarUint(d)
    switch (type) {
      case MessageType.sync: {
        const sub = decoding.readVarUint(d)
        const payload = decoding.readVarUint8Array(d)
        if (sub === syncProtocol.messageYjsSyncStep1)
          return { type: 'syncStep1', stateVector: payload }
        if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
          return { type: 'update', update: payload }
        }
        throw new MalformedMessageError(`Unknown sync message ${sub}.`)
      }
      case MessageType.awareness: {
        const update = decoding.readVarUint8Array(d)
        return { type: 'awareness', update, clients: awarenessClients(update) }
      }
      case MessageType.queryAwareness:
        return { type: 'queryAwareness' }
      case MessageType.auth:
        return { type: 'auth' }
      default:
        throw new MalformedMessageError(`Unknown message type ${type}.`)
    }
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error
    throw new MalformedMessageError('The frame does not decode as a y-websocket message.', {
      cause: error,
    })
  }
}

/** `sync step 1`: the relay's state vector. */
export function syncStep1(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeSyncStep1(e, doc)
  return encoding.toUint8Array(e)
}

/** `sync step 2`: what a client at `stateVector` lacks. */
export function syncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeSyncStep2(e, doc, stateVector)
  return encoding.toUint8Array(e)
}

/** An update message. */
export function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.sync)
  syncProtocol.writeUpdate(e, update)
  return encoding.toUint8Array(e)
}

/** An awareness message with the given clients' states. */
export function awarenessMessage(
  awareness: awarenessProtocol.Awareness,
  clients: number[],
): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.awareness)
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(e)
}

/** An awareness message around an awareness update as received. */
export function awarenessFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MessageType.awareness)
  encoding.writeVarUint8Array(e, update)
  return encoding.toUint8Array(e)
}

/** Checks a state vector's bytes (throws {@link MalformedMessageError}). */
export function checkStateVector(stateVector: Uint8Array): void {
  try {
    Y.decodeStateVector(stateVector)
  } catch (error) {
    throw new MalformedMessageError('Not a Yjs state vector.', { cause: error })
  }
}
