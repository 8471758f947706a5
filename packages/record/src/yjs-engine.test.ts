import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { automergeEngine } from './automerge-engine.js'
import { isRecordError } from './errors.js'
import { accountSchema, makeDevice, runRecordDocumentContract } from './record-document.contract.js'
import { RecordDocument } from './record-document.js'
import { YjsEngineDoc, yjsEngine } from './yjs-engine.js'

runRecordDocumentContract(yjsEngine, automergeEngine)

describe('Yjs update check', () => {
  const doc = () => {
    const d = makeDevice('phone', '005000000000001AAA')
    return RecordDocument.createDraft({
      engine: yjsEngine,
      schema: accountSchema,
      clock: d.clock,
      actor: d.actor,
      values: { Name: 'Acme' },
    })
  }

  const refused = (record: RecordDocument, build: (y: Y.Doc) => void): boolean => {
    const engineDoc = record.engineDoc
    if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('expected a Yjs document')
    const forged = new Y.Doc()
    build(forged)
    const update = Y.encodeStateAsUpdate(forged)
    const before = record.snapshot()
    try {
      engineDoc.apply(update, 'test')
    } catch (e) {
      expect(record.snapshot()).toEqual(before)
      return isRecordError(e, 'BRIEFCASE_MALFORMED_UPDATE')
    }
    return false
  }

  it('refuses nested types, unknown roots, embeds and text in maps', () => {
    const record = doc()
    expect(refused(record, (y) => y.getMap('entries').set('Name@x', new Y.Map()))).toBe(true)
    expect(refused(record, (y) => y.getMap('evil').set('k', 1))).toBe(true)
    expect(refused(record, (y) => y.getText('t:Description').insertEmbed(0, { img: 1 }))).toBe(true)
    expect(refused(record, (y) => y.getText('t:Name').insert(0, 'x'))).toBe(true)
    expect(refused(record, (y) => y.getArray('entries').insert(0, [1]))).toBe(true)
  })

  it('refuses the same in a whole state loaded into a new document', () => {
    const genesis = { name: doc().name, textFields: ['Description'] }
    const load = (build: (y: Y.Doc) => void): boolean => {
      const forged = new Y.Doc()
      build(forged)
      try {
        yjsEngine.create(genesis, Y.encodeStateAsUpdate(forged))
      } catch (e) {
        return isRecordError(e, 'BRIEFCASE_MALFORMED_UPDATE')
      }
      return false
    }
    expect(load((y) => y.getMap('entries').set('Name@x', new Y.Map()))).toBe(true)
    expect(load((y) => y.getMap('evil').set('k', 1))).toBe(true)
    expect(load((y) => y.getText('t:Description').insertEmbed(0, { img: 1 }))).toBe(true)
    expect(load((y) => y.getText('t:Description').format(0, 0, { bold: true }))).toBe(false)
    expect(load((y) => y.getText('t:Description').insert(0, 'x', { bold: true }))).toBe(true)
    expect(load((y) => y.getText('t:Name').insert(0, 'x'))).toBe(true)
    expect(load((y) => y.getArray('entries').insert(0, [1]))).toBe(true)
    expect(load((y) => y.getMap('shadow').set('Name', 'Acme'))).toBe(false)
    expect(load((y) => y.getText('t:Description').insert(0, 'hi'))).toBe(false)
    expect(() => yjsEngine.create(genesis, new Uint8Array([1, 2, 3, 250]))).toThrow(
      /does not decode/,
    )
  })

  it('refuses an empty deleted range (Yjs would throw a raw "Unexpected case" re-encoding it)', () => {
    const record = doc()
    const engineDoc = record.engineDoc
    if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('expected a Yjs document')
    const deleteSet = (len: number): Uint8Array => {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, 0) // no structs
      encoding.writeVarUint(e, 1) // one client in the delete set,
      encoding.writeVarUint(e, 4242) // unknown here, so Yjs keeps the range for later
      encoding.writeVarUint(e, 1) // one range
      encoding.writeVarUint(e, 3) // clock
      encoding.writeVarUint(e, len)
      return encoding.toUint8Array(e)
    }
    const before = record.snapshot()
    const vector = record.encodeStateVector()
    let error: unknown = null
    try {
      engineDoc.apply(deleteSet(0), 'test')
    } catch (e) {
      error = e
    }
    expect(isRecordError(error, 'BRIEFCASE_MALFORMED_UPDATE')).toBe(true)
    expect(record.snapshot()).toEqual(before)
    expect(record.encodeStateVector()).toEqual(vector)
    expect(() => engineDoc.apply(deleteSet(2), 'test')).not.toThrow()
  })

  it('refuses an item whose origin is a later item of its own client (Yjs crashes on the next update)', () => {
    const record = doc()
    const engineDoc = record.engineDoc
    if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('expected a Yjs document')
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 1) // one client
    encoding.writeVarUint(e, 1) // one struct,
    encoding.writeVarUint(e, 4242) // client
    encoding.writeVarUint(e, 0) // at clock 0
    encoding.writeUint8(e, 0b10000100) // with an origin, string content
    encoding.writeVarUint(e, 4242) // the origin: its own client,
    encoding.writeVarUint(e, 1) // a later clock
    encoding.writeVarString(e, 'x')
    encoding.writeVarUint(e, 0) // empty delete set
    const before = record.snapshot()
    let error: unknown = null
    try {
      engineDoc.apply(encoding.toUint8Array(e), 'test')
    } catch (err) {
      error = err
    }
    expect(isRecordError(error, 'BRIEFCASE_MALFORMED_UPDATE')).toBe(true)
    expect(record.snapshot()).toEqual(before)
    const peer = new Y.Doc()
    peer.getText('t:Description').insert(0, 'ab')
    engineDoc.apply(Y.encodeStateAsUpdate(peer), 'test')
    expect(record.text('Description')).toBe('ab')
  })

  it('accepts what a record document writes', () => {
    const record = doc()
    expect(refused(record, (y) => y.getText('t:Description').insert(0, 'hi'))).toBe(false)
    expect(record.text('Description')).toBe('hi')
  })
})
