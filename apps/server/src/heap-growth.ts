import { setFlagsFromString } from 'node:v8'

/** How far V8 may grow its heap past what survived the last full collection, in per cent. */
export const HEAP_GROWING_PERCENT = 50

const HEAP_FLAGS = /^--(heap-growing-percent|max-old-space-size|max-heap-size)\b/

/**
 * Bounds V8's heap to 1.5× what is alive after a full collection. On a machine with much memory
 * V8 lets its old generation grow to 4× that before collecting (its factor for heaps allowed
 * over 2 GB), so a relay whose work makes much short-lived garbage (a large bulk sync: each
 * step's documents loaded, encoded and committed) held several times its live memory. Not a
 * cap: a larger live set is still allowed (more frequent collections, no out-of-memory). Left
 * alone when the process was started with a heap flag of its own (`node --max-old-space-size`,
 * `NODE_OPTIONS`). Read by V8 at each collection, so setting it at start-up is enough.
 */
export function boundHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)]
  if (given.some((flag) => HEAP_FLAGS.test(flag))) return false
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
  return true
}
