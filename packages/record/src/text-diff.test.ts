import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TextOp } from './text-diff.js'
import { diffText, mergeTextOps, textOps } from './text-diff.js'

function apply(text: string, ops: readonly TextOp[]): string {
  let out = text
  for (const op of ops) {
    out =
      op.kind === 'insert'
        ? out.slice(0, op.index) + op.text + out.slice(op.index)
        : out.slice(0, op.index) + out.slice(op.index + op.length)
  }
  return out
}

describe('text diff', () => {
  it('turns one text into another with the edits it finds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        expect(apply(a, textOps(a, b))).toBe(b)
        const parts = diffText(a, b)
        expect(
          parts
            .filter((p) => p.kind !== 'insert')
            .map((p) => p.text)
            .join(''),
        ).toBe(a)
        expect(
          parts
            .filter((p) => p.kind !== 'delete')
            .map((p) => p.text)
            .join(''),
        ).toBe(b)
      }),
    )
  })

  it('finds a minimal edit for a small change inside a long text', () => {
    const a = 'The quick brown fox jumps over the lazy dog.'
    const ops = textOps(a, 'The quick red fox jumps over the lazy dog.')
    const changed = ops.reduce(
      (n, op) => n + (op.kind === 'insert' ? op.text.length : op.length),
      0,
    )
    expect(changed).toBeLessThanOrEqual(8)
  })
})

describe('three-way merge of a server text change', () => {
  it('keeps a device insertion elsewhere in the text', () => {
    const base = 'Call back on Monday. Bring the contract.'
    const current = 'Call back on Monday morning. Bring the contract.'
    const incoming = 'Call back on Monday. Bring the signed contract.'
    expect(apply(current, mergeTextOps(base, current, incoming))).toBe(
      'Call back on Monday morning. Bring the signed contract.',
    )
  })

  it('takes the same change on both sides once (our own write, never acknowledged)', () => {
    const base = 'Shared notes.'
    const written = 'Phone: Shared notes. Tablet.'
    expect(apply(written, mergeTextOps(base, written, written))).toBe(written)
    // The device typed more at the same place after the write: its text stays, once.
    const more = 'Phone: call back. Shared notes. Tablet.'
    expect(apply(more, mergeTextOps(base, more, written))).toBe(more)
    // Salesforce's own insertion elsewhere still comes in.
    const both = 'Phone: Shared notes. Tablet. Renewal due.'
    expect(apply(written, mergeTextOps(base, written, both))).toBe(both)
  })

  it('deletes what the server deleted and keeps device text next to it', () => {
    const base = 'alpha beta gamma'
    const current = 'alpha beta! gamma'
    const incoming = 'alpha gamma'
    const merged = apply(current, mergeTextOps(base, current, incoming))
    // The server removed "beta" and one space; the device's "!" survives where it was typed.
    expect(merged).not.toContain('beta')
    expect(merged.replace('!', '')).toBe(incoming)
  })

  it('is the server text when there are no device edits, and the device text when the server is unchanged', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (base, other) => {
        expect(apply(base, mergeTextOps(base, base, other))).toBe(other)
        expect(apply(other, mergeTextOps(base, other, base))).toBe(other)
      }),
    )
  })

  it('keeps every device-inserted and every server-inserted character', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (base, devicePositions, serverPositions) => {
          let current = base
          devicePositions.forEach((p, i) => {
            const at = p % (current.length + 1)
            current = current.slice(0, at) + String.fromCharCode(0xe000 + i) + current.slice(at)
          })
          let incoming = base
          serverPositions.forEach((p, i) => {
            const at = p % (incoming.length + 1)
            incoming = incoming.slice(0, at) + String.fromCharCode(0xe100 + i) + incoming.slice(at)
          })
          const merged = apply(current, mergeTextOps(base, current, incoming))
          for (let i = 0; i < devicePositions.length; i++) {
            expect(merged).toContain(String.fromCharCode(0xe000 + i))
          }
          for (let i = 0; i < serverPositions.length; i++) {
            expect(merged).toContain(String.fromCharCode(0xe100 + i))
          }
        },
      ),
    )
  })
})
