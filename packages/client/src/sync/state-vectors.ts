import type { BulkRequestDoc } from '@briefcase/protocol'
import type { DocName } from '@briefcase/record'
import { PayloadKind, openEnvelope, sealEnvelope } from '@briefcase/record'
import * as Y from 'yjs'

/**
 * True when a replica at `relay` has every change of a replica at `device` (raw Yjs state
 * vectors). Nothing on the device is always covered; a relay that never answered covers nothing.
 */
export function covers(relay: Uint8Array | null, device: Uint8Array | null): boolean {
  if (device === null) return true
  const mine = Y.decodeStateVector(device)
  if (mine.size === 0) return true
  if (relay === null) return false
  const theirs = Y.decodeStateVector(relay)
  for (const [client, clock] of mine) if ((theirs.get(client) ?? 0) < clock) return false
  return true
}

/** True when a raw Yjs update inserts anything (a pure delete set alone is not a change here). */
export function insertsAnything(update: Uint8Array): boolean {
  // A (v1) update starts with the number of clients it has structs of, a varuint: zero is one
  // zero byte. (Read without decoding the rest: most answers of a sync are small deletes.)
  return update.length > 0 && update[0] !== 0
}

/** Seals a raw Yjs state vector for the wire. */
export function sealStateVector(name: DocName, payload: Uint8Array): Uint8Array {
  return sealEnvelope({ engine: 'yjs', kind: PayloadKind.stateVector, name, payload })
}

/**
 * The raw payload of a sealed message for `name`, checking engine, name and kind. A state vector
 * is copied: the payload is a view of the whole response (or stream chunk) it came in, and a
 * view kept in the index would store, and clone on every read, all of that buffer.
 */
export function unseal(name: string, bytes: Uint8Array, kind: PayloadKind): Uint8Array {
  const envelope = openEnvelope(bytes)
  if (envelope.engine !== 'yjs' || envelope.name !== name || envelope.kind !== kind) {
    throw new Error(
      `Unexpected ${envelope.engine} message for ${envelope.name} (kind ${envelope.kind}).`,
    )
  }
  return kind === PayloadKind.stateVector ? envelope.payload.slice() : envelope.payload
}

/**
 * A dirty document's part of a bulk request, from its stored rows (no document loaded): the
 * state vector its index entry holds (never more than the rows: the relay may answer with
 * something the device has, never miss something), and what a relay at `relaySV` (raw) lacks,
 * each row diffed before the (small) diffs are merged.
 */
export function storedRequestDoc(
  record: DocName,
  name: string,
  state: { relaySV: Uint8Array | null; deviceSV: Uint8Array },
  rows: readonly Uint8Array[],
): BulkRequestDoc {
  const { relaySV, deviceSV } = state
  const diffs = relaySV ? rows.map((row) => Y.diffUpdate(row, relaySV)) : rows
  const payload = diffs.length === 1 ? (diffs[0] as Uint8Array) : Y.mergeUpdates([...diffs])
  return {
    name,
    stateVector: sealStateVector(record, deviceSV),
    update: sealEnvelope({ engine: 'yjs', kind: PayloadKind.update, name: record, payload }),
  }
}
