/** One step of a text diff. */
export interface DiffPart {
  kind: 'equal' | 'delete' | 'insert'
  text: string
}

/** An edit at an index of the text as it is when the edit is applied (apply in order). */
export type TextOp =
  | { kind: 'insert'; index: number; text: string }
  | { kind: 'delete'; index: number; length: number }

/** Beyond this many differences the middle is replaced whole (bounded time and memory). */
const MAX_EDIT_DISTANCE = 1000

function myers(a: string, b: string): DiffPart[] | undefined {
  const n = a.length
  const m = b.length
  const max = Math.min(n + m, MAX_EDIT_DISTANCE)
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  const trace: Int32Array[] = []
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice())
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1
      let y = x - k
      while (x < n && y < m && a.charCodeAt(x) === b.charCodeAt(y)) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) return backtrack(trace, a, b, offset, d)
    }
  }
  return undefined
}

function backtrack(trace: Int32Array[], a: string, b: string, offset: number, dEnd: number) {
  const parts: DiffPart[] = []
  const push = (kind: DiffPart['kind'], text: string): void => {
    const last = parts[parts.length - 1]
    if (last && last.kind === kind) last.text = text + last.text
    else parts.push({ kind, text })
  }
  let x = a.length
  let y = b.length
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d] as Int32Array
    const k = x - y
    const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))
    const prevK = down ? k + 1 : k - 1
    const prevX = v[offset + prevK] ?? 0
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      push('equal', a[x - 1] as string)
      x--
      y--
    }
    if (down) push('insert', b[y - 1] as string)
    else push('delete', a[x - 1] as string)
    x = prevX
    y = prevY
  }
  if (x > 0) push('equal', a.slice(0, x))
  return parts.reverse()
}

/**
 * A character diff from `a` to `b`: common prefix and suffix, then Myers' algorithm on the middle
 * (or one replacement when the texts differ in more than a thousand places).
 */
export function diffText(a: string, b: string): DiffPart[] {
  let start = 0
  const min = Math.min(a.length, b.length)
  while (start < min && a.charCodeAt(start) === b.charCodeAt(start)) start++
  let end = 0
  while (
    end < min - start &&
    a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)
  ) {
    end++
  }
  const midA = a.slice(start, a.length - end)
  const midB = b.slice(start, b.length - end)
  // One side empty (a text set for the first time, or cleared): no search needed.
  const middle: DiffPart[] = (midA && midB ? myers(midA, midB) : undefined) ?? [
    ...(midA ? [{ kind: 'delete' as const, text: midA }] : []),
    ...(midB ? [{ kind: 'insert' as const, text: midB }] : []),
  ]
  const parts: DiffPart[] = []
  if (start > 0) parts.push({ kind: 'equal', text: a.slice(0, start) })
  for (const p of middle) if (p.text) parts.push(p)
  if (end > 0) parts.push({ kind: 'equal', text: a.slice(a.length - end) })
  return parts
}

/**
 * Every character of `a` and of `b`, in the order a diff from `a` to `b` puts them (what both
 * have once, what one has where it has it): the text a replica held before its edits, from the
 * last Salesforce value it knew (`a`) and what of the text it knows another replica holds (`b`).
 */
export function unionText(a: string, b: string): string {
  return diffText(a, b)
    .map((p) => p.text)
    .join('')
}

/** The edits that turn `from` into `to`, as few characters as the diff finds. */
export function textOps(from: string, to: string): TextOp[] {
  const ops: TextOp[] = []
  let index = 0
  for (const part of diffText(from, to)) {
    if (part.kind === 'equal') index += part.text.length
    else if (part.kind === 'delete') ops.push({ kind: 'delete', index, length: part.text.length })
    else {
      ops.push({ kind: 'insert', index, text: part.text })
      index += part.text.length
    }
  }
  return ops
}

/**
 * Three-way text merge for a server-side change: `base` is what Salesforce had, `current` the
 * merged text (base plus device edits not yet in Salesforce), `incoming` Salesforce's new text.
 * Returns edits to apply to `current` that make Salesforce's change and keep every device edit
 * the change does not touch: characters Salesforce deleted are deleted where they still are, and
 * Salesforce's insertions go next to the base characters they followed, except where the devices
 * inserted the same text at the same place (then it is there once).
 */
export function mergeTextOps(base: string, current: string, incoming: string): TextOp[] {
  // Where each base character sits in `current` (-1 when a device deleted it), and where a
  // position between base characters sits (the slot just after the previous kept character).
  const position = new Int32Array(base.length + 1)
  // What devices inserted before each base character (at `base.length`: at the end).
  const added = new Map<number, string>()
  let bi = 0
  let ci = 0
  for (const part of diffText(base, current)) {
    if (part.kind === 'equal') {
      for (let i = 0; i < part.text.length; i++) position[bi++] = ci++
    } else if (part.kind === 'delete') {
      for (let i = 0; i < part.text.length; i++) position[bi++] = -1
    } else {
      added.set(bi, (added.get(bi) ?? '') + part.text)
      ci += part.text.length
    }
  }
  position[base.length] = current.length
  const slot = (b: number): number => {
    for (let i = b; i < base.length; i++) {
      const p = position[i] as number
      if (p >= 0) return p
    }
    return current.length
  }
  // Edits in `current` coordinates, collected then applied right to left.
  const edits: { index: number; remove: number; insert: string; seq: number }[] = []
  bi = 0
  for (const part of diffText(base, incoming)) {
    if (part.kind === 'equal') bi += part.text.length
    else if (part.kind === 'insert') {
      // What the devices inserted at the same place counts once (Salesforce holding a write of
      // ours that we never saw acknowledged, such as one sent just before a crash): an insertion
      // they already made is not made again, and one that extends theirs adds only the rest.
      const mine = added.get(bi) ?? ''
      const extended = mine !== '' && part.text.startsWith(mine)
      const insert = extended ? part.text.slice(mine.length) : part.text
      if (insert !== '' && (extended || !mine.includes(insert))) {
        edits.push({ index: slot(bi), remove: 0, insert, seq: edits.length })
      }
    } else {
      for (let i = 0; i < part.text.length; i++) {
        const p = position[bi + i] as number
        if (p >= 0) edits.push({ index: p, remove: 1, insert: '', seq: edits.length })
      }
      bi += part.text.length
    }
  }
  // Right to left; at one index, the deletion first, then insertions last-to-first so that they
  // end up in base order.
  edits.sort((x, y) => y.index - x.index || y.remove - x.remove || y.seq - x.seq)
  const ops: TextOp[] = []
  for (const e of edits) {
    if (e.remove > 0) ops.push({ kind: 'delete', index: e.index, length: e.remove })
    if (e.insert) ops.push({ kind: 'insert', index: e.index, text: e.insert })
  }
  return ops
}
