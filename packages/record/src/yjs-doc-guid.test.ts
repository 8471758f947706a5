import { describe, expect, it } from 'vitest'
import { parseDocName } from './ids.js'
import { YjsEngineDoc, yjsEngine } from './yjs-engine.js'

describe('the Yjs engine', () => {
  it('names each Y.Doc after its record document (no random guid to make on every open)', () => {
    const genesis = { name: parseDocName('Account/001000000000001AAA').name, textFields: [] }
    const doc = yjsEngine.create(genesis)
    expect(doc).toBeInstanceOf(YjsEngineDoc)
    expect((doc as YjsEngineDoc).ydoc.guid).toBe('Account/001000000000001AAA')
    const loaded = yjsEngine.create(genesis, doc.encodeState()) as YjsEngineDoc
    expect(loaded.ydoc.guid).toBe(genesis.name)
  })
})
