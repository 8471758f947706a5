import * as Y from 'yjs'
import type {
  ChangeListener,
  EngineDoc,
  EngineWriter,
  Genesis,
  Json,
  MapRoot,
  MergeEngine,
} from './engine.js'
import { EngineName } from './engine.js'
import { RecordError, RecordErrorCode } from './errors.js'
import type { DecodedYjsUpdate } from './yjs-update-check.js'
import {
  checkDecodedYjsUpdate,
  checkYjsDoc,
  checkYjsUpdate,
  textRootName,
} from './yjs-update-check.js'

/** The origin of changes made through {@link EngineDoc.transact}. */
export const LOCAL_ORIGIN = 'local'

/** A record document held in a Y.Doc: one Y.Map per map root, one Y.Text per long-text field. */
export class YjsEngineDoc implements EngineDoc {
  readonly engine: EngineName = EngineName.yjs
  readonly genesis: Genesis
  /** The Y.Doc, for y-protocols sync, awareness and y-indexeddb. */
  readonly ydoc: Y.Doc
  readonly #textFields: ReadonlySet<string>
  readonly #writer: EngineWriter

  // The record's name is the Y.Doc's guid: the same on every replica, and no random uuid to make
  // (Yjs's default costs more than loading a small record).
  constructor(genesis: Genesis, ydoc: Y.Doc = new Y.Doc({ gc: true, guid: genesis.name })) {
    this.genesis = genesis
    this.ydoc = ydoc
    this.#textFields = new Set(genesis.textFields)
    const doc = this.ydoc
    const text = (field: string): Y.Text => {
      if (!this.#textFields.has(field)) {
        throw new RecordError(RecordErrorCode.unknownField, `${field} is not a long-text field`, {
          field,
        })
      }
      return doc.getText(textRootName(field))
    }
    this.#writer = {
      get: (root, key) => this.get(root, key),
      entries: (root) => this.entries(root),
      text: (field) => this.text(field),
      set: (root, key, value) => doc.getMap<Json>(root).set(key, value),
      delete: (root, key) => doc.getMap<Json>(root).delete(key),
      insertText: (field, index, value) => text(field).insert(index, value),
      deleteText: (field, index, length) => text(field).delete(index, length),
    }
  }

  get(root: MapRoot, key: string): Json | undefined {
    return this.ydoc.getMap<Json>(root).get(key)
  }

  entries(root: MapRoot): Iterable<readonly [string, Json]> {
    return this.ydoc.getMap<Json>(root).entries()
  }

  text(field: string): string {
    return this.#textFields.has(field) ? this.ydoc.getText(textRootName(field)).toJSON() : ''
  }

  /**
   * The part of a long text that a replica with `stateVector` (raw Yjs) holds, as far as this
   * one knows it: the characters of the items the vector covers whose content this document
   * has, shown or deleted (deleted content is kept only with garbage collection off, from
   * updates that still carry it). ADR 0005: what a device knows the relay holds of a text it
   * edited since; a character it deleted since is there, so forwarding deletes it.
   */
  heldText(field: string, stateVector: Uint8Array): string {
    checkStateVector(stateVector)
    if (!this.#textFields.has(field)) return ''
    const held = Y.createSnapshot(Y.createDeleteSet(), Y.decodeStateVector(stateVector))
    const delta = this.ydoc.getText(textRootName(field)).toDelta(held) as { insert: unknown }[]
    return delta.map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('')
  }

  transact(fn: (w: EngineWriter) => void): void {
    this.ydoc.transact(() => fn(this.#writer), LOCAL_ORIGIN)
  }

  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.ydoc)
  }

  encodeStateVector(): Uint8Array {
    return Y.encodeStateVector(this.ydoc)
  }

  encodeDiff(stateVector: Uint8Array): Uint8Array {
    checkStateVector(stateVector)
    return Y.encodeStateAsUpdate(this.ydoc, stateVector)
  }

  isCoveredBy(stateVector: Uint8Array): boolean {
    checkStateVector(stateVector)
    const remote = Y.decodeStateVector(stateVector)
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(this.ydoc))) {
      if ((remote.get(client) ?? 0) < clock) return false
    }
    return true
  }

  /** Checks a raw Yjs update (as y-protocols carries it) without applying it. */
  check(update: Uint8Array): void {
    checkYjsUpdate(update, this.#textFields)
  }

  /** {@link YjsEngineDoc.check} of an update already decoded (`decodeYjsUpdate`). */
  checkDecoded(decoded: DecodedYjsUpdate): void {
    checkDecodedYjsUpdate(decoded, this.#textFields)
  }

  /**
   * Loads a whole state into this new, empty document: applied, then the result checked in one
   * pass (what the state left waiting for missing content is checked as an update). Throws
   * `BRIEFCASE_MALFORMED_UPDATE`, after which the document must not be used.
   */
  load(state: Uint8Array): void {
    try {
      Y.applyUpdate(this.ydoc, state, 'load')
    } catch (cause) {
      throw new RecordError(
        RecordErrorCode.malformedUpdate,
        'Refused Yjs state: it does not decode.',
        {
          cause,
        },
      )
    }
    checkYjsDoc(this.ydoc, this.#textFields)
    if (this.ydoc.store.pendingStructs !== null) this.check(state)
  }

  apply(payload: Uint8Array, origin: unknown): void {
    this.check(payload)
    Y.applyUpdate(this.ydoc, payload, origin)
  }

  onChange(listener: ChangeListener): () => void {
    const handler = (update: Uint8Array, origin: unknown): void => listener(update, origin)
    this.ydoc.on('update', handler)
    return () => this.ydoc.off('update', handler)
  }

  destroy(): void {
    this.ydoc.destroy()
  }
}

function checkStateVector(stateVector: Uint8Array): void {
  try {
    Y.decodeStateVector(stateVector)
  } catch (cause) {
    throw new RecordError(RecordErrorCode.malformedUpdate, 'Not a Yjs state vector.', { cause })
  }
}

/**
 * The Yjs engine (the default). Every concurrent-write conflict in the record model is between
 * distinct keys, so Yjs's client-id tie-break never decides a field's value.
 *
 * @example
 * ```ts
 * const doc = yjsEngine.create({ name: parseDocName('Account/001000000000001AAA').name, textFields: ['Description'] })
 * ```
 */
export const yjsEngine: MergeEngine = {
  name: EngineName.yjs,
  create(genesis, state) {
    const doc = new YjsEngineDoc(genesis)
    if (state) doc.load(state)
    return doc
  },
  checkStateVector,
}
