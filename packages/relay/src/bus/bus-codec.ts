import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { BusMessage } from './relay-bus.js'

/**
 * Format version of a bus message; a relay drops messages of another version, and messages of a
 * kind it does not know (an older relay drops `layout` messages and heals from the store). The
 * fields of a `layout` message are checked where it is used (`layout-message.ts`, zod).
 */
const VERSION = 1
const UPDATES = 0
const AWARENESS = 1
const LAYOUT = 2

/** Encodes a bus message (binary: updates travel as they are). */
export function encodeBusMessage(message: BusMessage): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, VERSION)
  if (message.kind === 'layout') {
    encoding.writeVarUint(e, LAYOUT)
    encoding.writeVarString(e, message.relay)
    encoding.writeVarString(e, message.sobject)
    encoding.writeVarUint(e, message.partitions.length)
    for (const p of message.partitions) encoding.writeVarString(e, p)
    return encoding.toUint8Array(e)
  }
  encoding.writeVarUint(e, message.kind === 'updates' ? UPDATES : AWARENESS)
  encoding.writeVarString(e, message.relay)
  encoding.writeVarString(e, message.key.name)
  encoding.writeVarString(e, message.key.group)
  if (message.kind === 'updates') {
    encoding.writeVarUint(e, message.seq)
    encoding.writeVarUint(e, (message.fromDevice ? 1 : 0) | (message.bulk ? 2 : 0))
    encoding.writeVarUint(e, message.updates.length)
    for (const u of message.updates) encoding.writeVarUint8Array(e, u)
  } else {
    encoding.writeVarUint8Array(e, message.update)
  }
  return encoding.toUint8Array(e)
}

/** Decodes a bus message; undefined when it is not one this relay reads. */
export function decodeBusMessage(bytes: Uint8Array): BusMessage | undefined {
  try {
    const d = decoding.createDecoder(bytes)
    if (decoding.readVarUint(d) !== VERSION) return undefined
    const kind = decoding.readVarUint(d)
    const relay = decoding.readVarString(d)
    if (kind === LAYOUT) {
      const sobject = decoding.readVarString(d)
      const partitions: string[] = []
      for (let i = decoding.readVarUint(d); i > 0; i--) partitions.push(decoding.readVarString(d))
      return { kind: 'layout', relay, sobject, partitions }
    }
    const key = { name: decoding.readVarString(d), group: decoding.readVarString(d) }
    if (kind === AWARENESS) {
      return { kind: 'awareness', relay, key, update: decoding.readVarUint8Array(d) }
    }
    if (kind !== UPDATES) return undefined
    const seq = decoding.readVarUint(d)
    const flags = decoding.readVarUint(d)
    const count = decoding.readVarUint(d)
    const updates: Uint8Array[] = []
    for (let i = 0; i < count; i++) updates.push(decoding.readVarUint8Array(d))
    return {
      kind: 'updates',
      relay,
      key,
      seq,
      fromDevice: (flags & 1) !== 0,
      bulk: (flags & 2) !== 0,
      updates,
    }
  } catch {
    return undefined
  }
}
