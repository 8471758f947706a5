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

  it('accepts what a record document writes', () => {
    const record = doc()
    expect(refused(record, (y) => y.getText('t:Description').insert(0, 'hi'))).toBe(false)
    expect(record.text('Description')).toBe('hi')
  })
})
