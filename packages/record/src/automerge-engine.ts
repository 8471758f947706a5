import * as A from '@automerge/automerge'
import type {
  ChangeListener,
  EngineDoc,
  EngineWriter,
  Genesis,
  Json,
  MapRoot,
  MergeEngine,
} from './engine.js'
import { EngineName, MAP_ROOTS } from './engine.js'
import { RecordError, RecordErrorCode } from './errors.js'
import type { AutomergeChunk } from './automerge-chunks.js'
import { decoding, splitAutomergeChunks } from './automerge-chunks.js'

/** Automerge values: strings are immutable (never text), JSON objects are stored as bytes. */
type Stored = null | boolean | number | A.ImmutableString | Uint8Array
type Shape = Record<MapRoot, Record<string, Stored>> & { t: Record<string, string> }

const GENESIS_ACTOR = 'b7ca0000000000000000000000000000'
const HASH_BYTES = 32
const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

function store(value: Json): Stored {
  if (typeof value === 'string') return new A.ImmutableString(value)
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value
  return utf8.encode(JSON.stringify(value))
}

function load(value: unknown): Json | undefined {
  if (value === undefined) return undefined
  if (A.isImmutableString(value)) return value.val
  if (value instanceof Uint8Array) return JSON.parse(fromUtf8.decode(value)) as Json
  return value as Json
}

function randomActor(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * The first change of every replica: made with a fixed actor and time, so it is byte-identical
 * everywhere and the long-text objects it creates are the same objects on every replica.
 */
function genesisDoc(genesis: Genesis): A.Doc<Shape> {
  const init = A.init<Shape>({ actor: GENESIS_ACTOR })
  return A.change(init, { time: 0, message: 'genesis' }, (d) => {
    for (const root of MAP_ROOTS) d[root] = {}
    d.meta.name = new A.ImmutableString(genesis.name)
    d.meta.engine = new A.ImmutableString(EngineName.automerge)
    d.t = {}
    for (const field of genesis.textFields) d.t[field] = ''
  })
}

/**
 * Takes checked chunks into a document, each through a call that decodes it strictly: a run of
 * changes through `applyChanges` (it parses them all before applying any), a whole document
 * loaded once on its own first (`loadIncremental`, which merges it, skips what it cannot decode).
 */
function applyChunks(doc: A.Doc<Shape>, chunks: readonly AutomergeChunk[]): A.Doc<Shape> {
  let next = doc
  for (let i = 0; i < chunks.length;) {
    const chunk = chunks[i] as AutomergeChunk
    if (chunk.kind === 'document') {
      decoding('a document chunk', () => A.load(chunk.bytes))
      const current = next
      // A document of another genesis clashes with this one's (same actor, same sequence number).
      next = decoding('a document chunk', () => A.loadIncremental(current, chunk.bytes))
      i += 1
      continue
    }
    const run: Uint8Array[] = []
    for (; i < chunks.length && chunks[i]?.kind === 'change'; i++) {
      run.push((chunks[i] as AutomergeChunk).bytes)
    }
    const current = next
    ;[next] = decoding('a change', () => A.applyChanges(current, run))
  }
  return next
}

/** A saved state loaded in one strict call, or undefined when it does not load on its own. */
function loadWhole(state: Uint8Array, actor: string): A.Doc<Shape> | undefined {
  try {
    return A.load<Shape>(state, { actor })
  } catch {
    return undefined
  }
}

/** A record document held in an Automerge document. */
export class AutomergeEngineDoc implements EngineDoc {
  readonly engine: EngineName = EngineName.automerge
  readonly genesis: Genesis
  #doc: A.Doc<Shape>
  readonly #listeners = new Set<ChangeListener>()
  readonly #textFields: ReadonlySet<string>

  constructor(genesis: Genesis, state?: Uint8Array) {
    this.genesis = genesis
    this.#textFields = new Set(genesis.textFields)
    const base = genesisDoc(genesis)
    const actor = randomActor()
    if (!state) {
      this.#doc = A.clone(base, { actor })
      return
    }
    const chunks = splitAutomergeChunks(state)
    // A saved state (a document, maybe with changes after it) holds the genesis: one strict load,
    // kept only if it has this document's genesis. Anything else is taken in on top of the genesis.
    const whole = chunks[0]?.kind === 'document' ? loadWhole(state, actor) : undefined
    this.#doc =
      whole && A.hasHeads(whole, A.getHeads(base))
        ? whole
        : applyChunks(A.clone(base, { actor }), chunks)
  }

  get(root: MapRoot, key: string): Json | undefined {
    const map = this.#doc[root]
    return Object.hasOwn(map, key) ? load(map[key]) : undefined
  }

  *entries(root: MapRoot): Iterable<readonly [string, Json]> {
    for (const [k, v] of Object.entries(this.#doc[root])) yield [k, load(v) as Json]
  }

  text(field: string): string {
    return this.#textFields.has(field) ? (this.#doc.t[field] ?? '') : ''
  }

  transact(fn: (w: EngineWriter) => void): void {
    const heads = A.getHeads(this.#doc)
    this.#doc = A.change(this.#doc, (d) => {
      const checkText = (field: string): void => {
        if (!this.#textFields.has(field)) {
          throw new RecordError(RecordErrorCode.unknownField, `${field} is not a long-text field`, {
            field,
          })
        }
      }
      fn({
        get: (root, key) => (Object.hasOwn(d[root], key) ? load(d[root][key]) : undefined),
        *entries(root) {
          for (const [k, v] of Object.entries(d[root])) yield [k, load(v) as Json] as const
        },
        text: (field) => (this.#textFields.has(field) ? (d.t[field] ?? '') : ''),
        set: (root, key, value) => {
          d[root][key] = store(value)
        },
        delete: (root, key) => {
          delete d[root][key]
        },
        insertText: (field, index, value) => {
          checkText(field)
          A.splice(d, ['t', field], index, 0, value)
        },
        deleteText: (field, index, length) => {
          checkText(field)
          A.splice(d, ['t', field], index, length)
        },
      })
    })
    if (this.#listeners.size === 0) return
    const change = A.getLastLocalChange(this.#doc)
    if (change && !sameHeads(heads, A.getHeads(this.#doc))) this.#emit(change, 'local')
  }

  encodeState(): Uint8Array {
    return A.save(this.#doc)
  }

  encodeStateVector(): Uint8Array {
    const heads = A.getHeads(this.#doc)
    const out = new Uint8Array(heads.length * HASH_BYTES)
    heads.forEach((h, i) => {
      for (let j = 0; j < HASH_BYTES; j++)
        out[i * HASH_BYTES + j] = parseInt(h.slice(j * 2, j * 2 + 2), 16)
    })
    return out
  }

  encodeDiff(stateVector: Uint8Array): Uint8Array {
    automergeEngine.checkStateVector(stateVector)
    const known: string[] = []
    for (let i = 0; i < stateVector.length; i += HASH_BYTES) {
      const head = hex(stateVector.subarray(i, i + HASH_BYTES))
      if (A.hasHeads(this.#doc, [head])) known.push(head)
    }
    return A.saveSince(this.#doc, known)
  }

  isCoveredBy(stateVector: Uint8Array): boolean {
    automergeEngine.checkStateVector(stateVector)
    const heads: string[] = []
    for (let i = 0; i < stateVector.length; i += HASH_BYTES) {
      heads.push(hex(stateVector.subarray(i, i + HASH_BYTES)))
    }
    if (!heads.every((h) => A.hasHeads(this.#doc, [h]))) return false
    return A.saveSince(this.#doc, heads).length === 0
  }

  apply(payload: Uint8Array, origin: unknown): void {
    const chunks = splitAutomergeChunks(payload)
    const current = this.#doc
    const before = A.getHeads(current)
    try {
      this.#doc = applyChunks(current, chunks)
    } catch (error) {
      // Applied in place (no copy of the document per update); on a failure part of the update
      // may be in the document's memory: it goes back to a fork of itself at the heads it had.
      this.#doc = A.clone(A.view(current, before), { actor: A.getActorId(current) })
      throw error
    }
    if (!sameHeads(before, A.getHeads(this.#doc))) this.#emit(payload, origin)
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  destroy(): void {
    this.#listeners.clear()
  }

  #emit(payload: Uint8Array, origin: unknown): void {
    for (const listener of this.#listeners) listener(payload, origin)
  }
}

function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((h, i) => h === b[i])
}

/**
 * The Automerge 3 engine: the same record model over Automerge documents. Long text uses
 * Automerge's text; scalar strings are immutable strings; every conflict in the model is between
 * distinct keys, as in the Yjs engine.
 */
export const automergeEngine: MergeEngine = {
  name: EngineName.automerge,
  create: (genesis, state) => new AutomergeEngineDoc(genesis, state),
  checkStateVector(stateVector) {
    if (!(stateVector instanceof Uint8Array) || stateVector.length % HASH_BYTES !== 0) {
      throw new RecordError(RecordErrorCode.malformedUpdate, 'Not an Automerge state vector.')
    }
  },
}
