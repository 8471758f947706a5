/**
 * The record document on its two engines against raw Yjs (one plain Y.Map per record, long text
 * as plain strings; as usually written, and with a guid given so Yjs makes no random uuid), and
 * the Automerge engine against raw Automerge 3 (one map, long text as Automerge text), for
 * 1,000 Accounts of 50 fields (5 long text, 200 to 2,000 characters):
 * - create: a record loaded from Salesforce into a new document (`applyServerRecord`; raw Yjs:
 *   the values set in one transaction);
 * - encode: the whole state of every document;
 * - load: every document opened from those bytes;
 * - merge: two replicas of every record, after 1,000 concurrent edits on each (spread over
 *   records and fields, one in five a text insert), exchange state vectors and updates;
 * - bytes per record: the encoded state, fresh and after the merge.
 * Each figure is the median of several runs (`RUNS`, default 5; `AUTOMERGE_RUNS`, default 3).
 *
 * Run: npx tsx --conditions=@briefcase/source bench/record-engines.ts
 */
import { cpus, loadavg } from 'node:os'
import { isDeepStrictEqual } from 'node:util'
import type { FieldValue, MergeEngine } from '@briefcase/record'
import { RecordDocument, createHybridClock, parseDeviceId, yjsEngine } from '@briefcase/record'
import { automergeEngine } from '@briefcase/record/automerge'
import { createRandom } from '@briefcase/org'
import * as A from '@automerge/automerge'
import * as Y from 'yjs'
import {
  SCALARS,
  TEXTS,
  prose,
  recordId,
  recordValues,
  scalarValue,
  schema,
} from './record-data.js'

const RECORDS = Number(process.env.RECORDS ?? 1_000)
const EDITS = Number(process.env.EDITS ?? 1_000)
const RUNS = Number(process.env.RUNS ?? 5)
/** Automerge takes minutes per run at this size: fewer runs by default. */
const AUTOMERGE_RUNS = Number(process.env.AUTOMERGE_RUNS ?? Math.min(RUNS, 3))
const USER = recordId(1, '005')
const LAST_MODIFIED = '2026-01-15T09:30:00.000+0000'

/** What the benchmark does with a document, for each subject. */
interface Subject<D> {
  label: string
  create(n: number, values: Record<string, FieldValue>): D
  encode(doc: D): Uint8Array
  load(n: number, bytes: Uint8Array, device: string): D
  set(doc: D, field: string, value: FieldValue): void
  insert(doc: D, field: string, at: number, text: string): void
  textLength(doc: D, field: string): number
  stateVector(doc: D): Uint8Array
  diff(doc: D, stateVector: Uint8Array): Uint8Array
  apply(doc: D, update: Uint8Array): void
  values(doc: D): unknown
}

function recordSubject(engine: MergeEngine, label: string): Subject<RecordDocument> {
  const open = (n: number, device: string, state?: Uint8Array): RecordDocument => {
    const clock = createHybridClock({ device: parseDeviceId(device) })
    return RecordDocument.open({
      engine,
      name: `Account/${recordId(n)}`,
      schema,
      clock,
      actor: { user: USER, device: clock.device },
      ...(state ? { state } : {}),
    })
  }
  return {
    label,
    create(n, values) {
      const doc = open(n, 'relay')
      doc.applyServerRecord(values, {
        salesforceId: recordId(n),
        lastModifiedDate: LAST_MODIFIED,
        systemModstamp: LAST_MODIFIED,
        lastModifiedById: USER,
      })
      return doc
    },
    encode: (doc) => doc.encodeState(),
    load: (n, bytes, device) => open(n, device, bytes),
    set: (doc, field, value) => void doc.set(field, value),
    insert: (doc, field, at, text) => void doc.insertText(field, at, text),
    textLength: (doc, field) => doc.text(field).length,
    stateVector: (doc) => doc.encodeStateVector(),
    diff: (doc, sv) => doc.encodeUpdate(sv),
    apply: (doc, update) => doc.applyUpdate(update),
    values: (doc) => doc.values(),
  }
}

const rawYjs: Subject<Y.Doc> = {
  label: 'raw Yjs (Y.Map)',
  create(_n, values) {
    const doc = new Y.Doc()
    const map = doc.getMap<FieldValue>('record')
    doc.transact(() => {
      for (const [field, value] of Object.entries(values)) map.set(field, value)
    })
    return doc
  },
  encode: (doc) => Y.encodeStateAsUpdate(doc),
  load(_n, bytes) {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, bytes)
    return doc
  },
  set: (doc, field, value) => doc.getMap<FieldValue>('record').set(field, value),
  insert(doc, field, at, text) {
    const map = doc.getMap<FieldValue>('record')
    const s = String(map.get(field) ?? '')
    map.set(field, s.slice(0, at) + text + s.slice(at))
  },
  textLength: (doc, field) => String(doc.getMap<FieldValue>('record').get(field) ?? '').length,
  stateVector: (doc) => Y.encodeStateVector(doc),
  diff: (doc, sv) => Y.encodeStateAsUpdate(doc, sv),
  apply: (doc, update) => Y.applyUpdate(doc, update),
  values: (doc) => doc.getMap('record').toJSON(),
}

/** Raw Yjs as a careful program would write it: a guid given, so Yjs makes no random uuid. */
const rawYjsGuid: Subject<Y.Doc> = {
  ...rawYjs,
  label: 'raw Yjs, guid given',
  create(n, values) {
    const doc = new Y.Doc({ guid: `Account/${recordId(n)}` })
    const map = doc.getMap<FieldValue>('record')
    doc.transact(() => {
      for (const [field, value] of Object.entries(values)) map.set(field, value)
    })
    return doc
  },
  load(n, bytes) {
    const doc = new Y.Doc({ guid: `Account/${recordId(n)}` })
    Y.applyUpdate(doc, bytes)
    return doc
  },
}

/** An Automerge document held so that the subject can replace it (Automerge's API is functional). */
interface AutomergeHolder {
  doc: A.Doc<{ r: Record<string, unknown> }>
}

/** A scalar as Automerge holds one (a string is an immutable string: last writer wins, no text). */
function automergeScalar(value: FieldValue): unknown {
  return typeof value === 'string' ? new A.ImmutableString(value) : value
}

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

/**
 * Raw Automerge 3 as a careful program writes a record: one map, scalars as immutable strings,
 * numbers and booleans (last writer wins, as the engine's fields), long text as Automerge text.
 * The state vector is the document's heads; a replica sends what follows the heads it knows.
 */
const rawAutomerge: Subject<AutomergeHolder> = {
  label: 'raw Automerge 3',
  create(_n, values) {
    const doc = A.change(A.init<{ r: Record<string, unknown> }>(), (d) => {
      d.r = {}
      for (const [field, value] of Object.entries(values)) {
        d.r[field] = (TEXTS as readonly string[]).includes(field)
          ? String(value ?? '')
          : automergeScalar(value)
      }
    })
    return { doc }
  },
  encode: (h) => A.save(h.doc),
  load: (_n, bytes) => ({ doc: A.load(bytes) }),
  set(h, field, value) {
    h.doc = A.change(h.doc, (d) => {
      d.r[field] = automergeScalar(value)
    })
  },
  insert(h, field, at, text) {
    h.doc = A.change(h.doc, (d) => A.splice(d, ['r', field], at, 0, text))
  },
  textLength: (h, field) => {
    const text = h.doc.r[field]
    return typeof text === 'string' ? text.length : 0
  },
  stateVector: (h) => utf8.encode(JSON.stringify(A.getHeads(h.doc))),
  diff(h, stateVector) {
    const heads = JSON.parse(fromUtf8.decode(stateVector)) as string[]
    return A.saveSince(
      h.doc,
      heads.filter((head) => A.hasHeads(h.doc, [head])),
    )
  },
  apply(h, update) {
    h.doc = A.loadIncremental(h.doc, update)
  },
  values: (h) =>
    Object.fromEntries(
      Object.entries(h.doc.r).map(([k, v]) => [k, A.isImmutableString(v) ? v.val : v]),
    ),
}

/** 1,000 edits of one replica: random records and fields, one in five a text insert. */
function edit<D>(s: Subject<D>, docs: D[], seed: number): void {
  const random = createRandom(seed).next
  for (let i = 0; i < EDITS; i++) {
    const n = Math.floor(random() * docs.length)
    const doc = docs[n] as D
    if (random() < 0.2) {
      const field = TEXTS[Math.floor(random() * TEXTS.length)] as string
      const at = Math.floor(random() * (s.textLength(doc, field) + 1))
      s.insert(doc, field, at, prose(random, 1 + Math.floor(random() * 20)))
    } else {
      const field = SCALARS[Math.floor(random() * SCALARS.length)] as string
      s.set(doc, field, scalarValue(random, field, n))
    }
  }
}

interface Figures {
  create: number
  encode: number
  load: number
  merge: number
  bytes: number
  bytesAfter: number
}

function time(fn: () => void): number {
  const start = performance.now()
  fn()
  return performance.now() - start
}

/**
 * A turn of the event loop, outside timed sections: Automerge's Wasm memory is released by
 * finalizers, which never run while code stays synchronous (it ran out of memory without this).
 */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

async function once<D>(s: Subject<D>, values: Record<string, FieldValue>[]): Promise<Figures> {
  let docs: D[] = []
  let states: Uint8Array[] = []
  let a: D[] = []
  const create = time(() => {
    docs = values.map((v, n) => s.create(n, v))
  })
  const encode = time(() => {
    states = docs.map((d) => s.encode(d))
  })
  await settle()
  const load = time(() => {
    a = states.map((bytes, n) => s.load(n, bytes, 'phone'))
  })
  const b = states.map((bytes, n) => s.load(n, bytes, 'laptop'))
  edit(s, a, 1)
  edit(s, b, 2)
  await settle()
  const merge = time(() => {
    for (let n = 0; n < a.length; n++) {
      const x = a[n] as D
      const y = b[n] as D
      const toY = s.diff(x, s.stateVector(y))
      const toX = s.diff(y, s.stateVector(x))
      s.apply(y, toY)
      s.apply(x, toX)
    }
  })
  for (let n = 0; n < a.length; n += 97) {
    if (!isDeepStrictEqual(s.values(a[n] as D), s.values(b[n] as D))) {
      throw new Error(`${s.label}: replicas of record ${n} differ after the merge`)
    }
  }
  const size = (list: Uint8Array[]): number => list.reduce((t, u) => t + u.length, 0) / list.length
  return {
    create,
    encode,
    load,
    merge,
    bytes: size(states),
    bytesAfter: size(a.map((d) => s.encode(d))),
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((x, y) => x - y)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function medians(runs: readonly Figures[]): Figures {
  const m = (k: keyof Figures): number => median(runs.map((f) => f[k]))
  return {
    create: m('create'),
    encode: m('encode'),
    load: m('load'),
    merge: m('merge'),
    bytes: m('bytes'),
    bytesAfter: m('bytesAfter'),
  }
}

const values = Array.from({ length: RECORDS }, (_, n) => recordValues(n))
const loadBefore = loadavg()[0] ?? 0
// One warm-up pass each, so the first measured run is not the JIT's.
for (const s of [recordSubject(yjsEngine, 'Yjs engine'), rawYjs, rawYjsGuid]) {
  await once(s as Subject<unknown>, values.slice(0, 100))
}
for (const s of [recordSubject(automergeEngine, 'Automerge engine'), rawAutomerge]) {
  await once(s as Subject<unknown>, values.slice(0, 20))
  await settle()
}
// Interleaved (Yjs engine, raw Yjs, Automerge in each round), so that every ratio compares runs
// made under the same conditions on a shared machine.
const yjsEngineSubject = recordSubject(yjsEngine, 'Yjs engine')
const automergeSubject = recordSubject(automergeEngine, 'Automerge engine')
const runs: {
  yjs: Figures[]
  raw: Figures[]
  rawGuid: Figures[]
  automerge: Figures[]
  rawAutomerge: Figures[]
} = { yjs: [], raw: [], rawGuid: [], automerge: [], rawAutomerge: [] }
for (let r = 0; r < RUNS; r++) {
  runs.yjs.push(await once(yjsEngineSubject, values))
  runs.raw.push(await once(rawYjs, values))
  runs.rawGuid.push(await once(rawYjsGuid, values))
  if (r < AUTOMERGE_RUNS) {
    runs.automerge.push(await once(automergeSubject, values))
    await settle()
    runs.rawAutomerge.push(await once(rawAutomerge, values))
  }
  await settle()
  process.stderr.write(`run ${r + 1}/${RUNS}\n`)
}
const yjs = medians(runs.yjs)
const raw = medians(runs.raw)
const rawGuid = medians(runs.rawGuid)
const automerge = medians(runs.automerge)
const rawAm = medians(runs.rawAutomerge)
const loadAfter = loadavg()[0] ?? 0

const rows: [string, keyof Figures, 'ms' | 'B'][] = [
  ['create (from Salesforce values)', 'create', 'ms'],
  ['encode (whole state)', 'encode', 'ms'],
  ['load from bytes', 'load', 'ms'],
  [`merge two replicas after ${EDITS.toLocaleString('en')} concurrent edits each`, 'merge', 'ms'],
  ['bytes per record (encoded state)', 'bytes', 'B'],
  ['bytes per record after the merge', 'bytesAfter', 'B'],
]
const fmt = (x: number, unit: string): string =>
  unit === 'B' ? `${Math.round(x).toLocaleString('en')} B` : `${x.toFixed(x < 100 ? 1 : 0)} ms`
const ratio = (x: number, base: number): string => `${(x / base).toFixed(2)}×`
/** The median with the range of the runs: `120 ms (110–130)`. */
const spread = (list: readonly Figures[], k: keyof Figures, unit: string): string => {
  const xs = list.map((f) => f[k])
  const plain = (x: number): string => fmt(x, unit).replace(/ (ms|B)$/, '')
  return `${fmt(median(xs), unit)} (${plain(Math.min(...xs))}–${plain(Math.max(...xs))})`
}
const cpu = cpus()[0]?.model ?? 'unknown CPU'
const lines = [
  `${RECORDS.toLocaleString('en')} records × 50 fields (5 long text); median of ${RUNS} runs ` +
    `(Automerge: ${AUTOMERGE_RUNS}); ` +
    `${cpu}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
    `load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}.`,
  '',
  '| | Yjs engine | Automerge engine | raw Yjs (Y.Map) | raw Yjs, guid given | ' +
    'Yjs engine ÷ raw | Automerge ÷ raw | Yjs engine ÷ raw with guid |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    ([label, k, unit]) =>
      `| ${label} | ${fmt(yjs[k], unit)} | ${fmt(automerge[k], unit)} | ${fmt(raw[k], unit)} | ` +
      `${fmt(rawGuid[k], unit)} | ${ratio(yjs[k], raw[k])} | ${ratio(automerge[k], raw[k])} | ` +
      `${ratio(yjs[k], rawGuid[k])} |`,
  ),
  '',
  '| | Automerge engine (min–max) | raw Automerge 3 (min–max) | Automerge engine ÷ raw Automerge 3 |',
  '|---|---:|---:|---:|',
  ...rows.map(
    ([label, k, unit]) =>
      `| ${label} | ${spread(runs.automerge, k, unit)} | ${spread(runs.rawAutomerge, k, unit)} | ` +
      `${ratio(automerge[k], rawAm[k])} |`,
  ),
  '',
  `Target (Automerge engine within 10× of raw Automerge 3): ` +
    (['create', 'load', 'merge'] as const)
      .map(
        (k) =>
          `${k} ${ratio(automerge[k], rawAm[k])} ${automerge[k] <= 10 * rawAm[k] ? 'met' : 'MISSED'}`,
      )
      .join('; ') +
    '.',
  `Target (Yjs engine within 1.5× of raw Yjs): load ${ratio(yjs.load, raw.load)} ` +
    `${yjs.load <= 1.5 * raw.load ? 'met' : 'MISSED'}; bytes per record ${ratio(yjs.bytes, raw.bytes)} ` +
    `${yjs.bytes <= 1.5 * raw.bytes ? 'met' : 'MISSED'}.`,
]
process.stdout.write(`${lines.join('\n')}\n`)
