import { digest } from 'lib0/hash/sha256'
import { describe, expect, it } from 'vitest'
import { automergeEngine } from './automerge-engine.js'
import type { EngineDoc, Genesis } from './engine.js'
import { MapRoot } from './engine.js'
import { isRecordError } from './errors.js'
import type { DocName } from './ids.js'
import { runRecordDocumentContract } from './record-document.contract.js'
import { yjsEngine } from './yjs-engine.js'

runRecordDocumentContract(automergeEngine, yjsEngine)

const genesis: Genesis = {
  name: 'Account/001000000000001AAA' as DocName,
  textFields: ['Description'],
}

/** A chunk with one body byte flipped and its checksum made right again: framing passes. */
function resealed(chunk: Uint8Array, fromEnd: number): Uint8Array {
  const c = chunk.slice()
  const at = c.length - fromEnd
  c[at] = (c[at] ?? 0) ^ 0xff
  let cursor = 9
  let length = 0
  let shift = 0
  for (;;) {
    const b = c[cursor++] as number
    length += (b & 0x7f) * 2 ** shift
    shift += 7
    if ((b & 0x80) === 0) break
  }
  c.set(digest(c.subarray(8, cursor + length)).subarray(0, 4), 4)
  return c
}

function codeOf(task: () => void): string | undefined {
  try {
    task()
  } catch (error) {
    return isRecordError(error) ? error.code : String(error)
  }
  return undefined
}

/** The change a local edit emits. */
function edit(doc: EngineDoc, key: string, value: string): Uint8Array {
  let emitted: Uint8Array = new Uint8Array()
  const off = doc.onChange((payload) => (emitted = payload))
  doc.transact((w) => w.set(MapRoot.meta, key, value))
  off()
  return emitted
}

describe('the Automerge engine checks each update without copying the document', () => {
  it('refuses a change that does not decode, though its framing is sound, and changes nothing', () => {
    const a = automergeEngine.create(genesis)
    const b = automergeEngine.create(genesis, a.encodeState())
    const good = edit(a, 'x', 'one')
    const bad = resealed(edit(a, 'y', 'two'), 3)
    const before = b.encodeStateVector()
    // The good change goes first in the update: it must not stay behind either.
    const both = new Uint8Array([...good, ...bad])
    expect(codeOf(() => b.apply(both, 'remote'))).toBe('BRIEFCASE_MALFORMED_UPDATE')
    expect(codeOf(() => b.apply(bad, 'remote'))).toBe('BRIEFCASE_MALFORMED_UPDATE')
    expect(b.encodeStateVector()).toEqual(before)
    expect(b.get(MapRoot.meta, 'x')).toBeUndefined()
    // The document still works: the good change applies, and local edits go on.
    b.apply(good, 'remote')
    expect(b.get(MapRoot.meta, 'x')).toBe('one')
    b.transact((w) => w.set(MapRoot.meta, 'z', 'local'))
    a.apply(b.encodeDiff(a.encodeStateVector()), 'remote')
    expect(a.get(MapRoot.meta, 'z')).toBe('local')
  })

  it('refuses a saved state whose document chunk does not decode', () => {
    const a = automergeEngine.create(genesis)
    a.transact((w) => w.set(MapRoot.meta, 'x', 'one'))
    const state = resealed(a.encodeState(), 5)
    expect(codeOf(() => automergeEngine.create(genesis, state))).toBe('BRIEFCASE_MALFORMED_UPDATE')
    const b = automergeEngine.create(genesis)
    expect(codeOf(() => b.apply(state, 'remote'))).toBe('BRIEFCASE_MALFORMED_UPDATE')
    expect(b.get(MapRoot.meta, 'x')).toBeUndefined()
  })

  it("refuses a saved state made on another genesis (its text objects are not this one's)", () => {
    const other = automergeEngine.create({ ...genesis, textFields: [] })
    other.transact((w) => w.set(MapRoot.meta, 'x', 'one'))
    expect(codeOf(() => automergeEngine.create(genesis, other.encodeState()))).toBe(
      'BRIEFCASE_MALFORMED_UPDATE',
    )
    const b = automergeEngine.create(genesis)
    expect(codeOf(() => b.apply(other.encodeState(), 'remote'))).toBe('BRIEFCASE_MALFORMED_UPDATE')
    b.transact((w) => w.insertText('Description', 0, 'still a text'))
    expect(b.text('Description')).toBe('still a text')
  })
})
