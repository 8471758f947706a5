import * as Y from 'yjs'

/**
 * True when two raw Yjs state vectors name the same clocks (whatever their encoding order); a
 * vector that does not decode is never the same.
 */
export function sameStateVector(a: Uint8Array, b: Uint8Array): boolean {
  let left: Map<number, number>
  let right: Map<number, number>
  try {
    left = Y.decodeStateVector(a)
    right = Y.decodeStateVector(b)
  } catch {
    return false
  }
  if (left.size !== right.size) return false
  for (const [client, clock] of left) if (right.get(client) !== clock) return false
  return true
}
