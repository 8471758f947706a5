import type { MergeEngine, RecordErrorCode } from '@briefcase/record'
import {
  RecordDocument,
  createHybridClock,
  docName,
  isRecordError,
  openEnvelope,
  parseDeviceId,
  sealEnvelope,
  yjsEngine,
} from '@briefcase/record'
import { automergeEngine } from '@briefcase/record/automerge'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BASE_ID, EPOCH, OTHER_IDS, USERS, pick, schema, sfDatetime } from './fixtures.js'
import { checkProperty, refusalRuns, timeoutFor } from './replay.js'
import { snapshotJson } from './world.js'

/** What a peer did before the bad bytes arrive: names set and text typed. */
type Edit = { kind: 'name'; value: number } | { kind: 'text'; at: number; length: number }

/** A bad update, made from random bytes or from the peer's real updates. */
type Corruption =
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'randomPayload'; bytes: Uint8Array }
  | { kind: 'truncated'; update: number; at: number }
  | { kind: 'bitFlip'; update: number; at: number; bit: number }
  | { kind: 'splice'; update: number; at: number; other: number; otherAt: number }
  | { kind: 'insertBytes'; update: number; at: number; bytes: Uint8Array }
  | { kind: 'otherEngine'; update: number }
  | { kind: 'otherDocument'; update: number }
  | { kind: 'stateVector' }

const choice = fc.nat({ max: 999 })
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('name' as const), value: fc.nat({ max: 5 }) }),
  fc.record({
    kind: fc.constant('text' as const),
    at: choice,
    length: fc.integer({ min: 1, max: 4 }),
  }),
)
const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({
    kind: fc.constant('randomPayload' as const),
    bytes: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.record({ kind: fc.constant('truncated' as const), update: choice, at: choice }),
  fc.record({
    kind: fc.constant('bitFlip' as const),
    update: choice,
    at: choice,
    bit: fc.nat({ max: 7 }),
  }),
  fc.record({
    kind: fc.constant('splice' as const),
    update: choice,
    at: choice,
    other: choice,
    otherAt: choice,
  }),
  fc.record({
    kind: fc.constant('insertBytes' as const),
    update: choice,
    at: choice,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('otherEngine' as const), update: choice }),
  fc.record({ kind: fc.constant('otherDocument' as const), update: choice }),
  fc.constant({ kind: 'stateVector' as const }),
)
const caseArbitrary = fc.record({
  edits: fc.array(edit, { minLength: 1, maxLength: 4 }),
  corruption,
})

const NAMES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark']

function open(
  engine: MergeEngine,
  device: string,
  name: string,
  state?: Uint8Array,
): RecordDocument {
  const clock = createHybridClock({ device: parseDeviceId(device), now: () => EPOCH + 60_000 })
  return RecordDocument.open({
    engine,
    name,
    schema,
    clock,
    actor: { user: USERS[0], device: clock.device },
    ...(state ? { state } : {}),
  })
}

/** A peer's replica after `edits`: its full state, then every update it sent. */
function peerUpdates(engine: MergeEngine, name: string, edits: readonly Edit[]): Uint8Array[] {
  const relay = open(engine, 'relay', name)
  const at = sfDatetime(EPOCH)
  const id = docName('Account', BASE_ID) === name ? BASE_ID : OTHER_IDS[0]
  relay.applyServerRecord(
    { Name: 'Acme', Description: 'Hello' },
    {
      salesforceId: id,
      lastModifiedDate: at,
      systemModstamp: at,
      lastModifiedById: USERS[1],
    },
  )
  const peer = open(engine, 'peer', name, relay.encodeState())
  const updates: Uint8Array[] = [relay.encodeState()]
  peer.onUpdate((u, origin) => {
    if (origin === 'local') updates.push(u)
  })
  for (const e of edits) {
    if (e.kind === 'name') peer.set('Name', NAMES[e.value])
    else {
      const length = peer.text('Description').length
      peer.insertText('Description', Math.floor((e.at / 1000) * (length + 1)), 'x'.repeat(e.length))
    }
  }
  return updates
}

/** The bad bytes, and what applying them must do: throw one of `codes`, or maybe be accepted. */
function corrupt(
  engine: MergeEngine,
  name: string,
  edits: readonly Edit[],
  c: Corruption,
  own: readonly Uint8Array[],
): { bytes: Uint8Array; codes: RecordErrorCode[]; mayApply: boolean } {
  const malformed: RecordErrorCode[] = ['BRIEFCASE_MALFORMED_UPDATE']
  const real = (n: number): Uint8Array => pick(own, n / 1000) as Uint8Array
  switch (c.kind) {
    case 'random': {
      const foreign = c.bytes[0] === 0xb7 && c.bytes[1] === 0xca
      const codes: RecordErrorCode[] = foreign
        ? ['BRIEFCASE_MALFORMED_UPDATE', 'BRIEFCASE_ENGINE_MISMATCH', 'BRIEFCASE_FOREIGN_UPDATE']
        : malformed
      return { bytes: c.bytes, codes, mayApply: false }
    }
    case 'randomPayload': {
      const envelope = openEnvelope(real(0))
      // Random bytes can happen to be a well-formed (empty) update; then they change nothing.
      return {
        bytes: sealEnvelope({ ...envelope, payload: c.bytes }),
        codes: malformed,
        mayApply: true,
      }
    }
    case 'truncated': {
      const full = real(c.update)
      const header = full.length - openEnvelope(full).payload.length
      const cut = Math.floor((c.at / 1000) * full.length)
      const bytes = full.slice(0, cut)
      // Cut inside the header: some refusal. Cut right after it: an empty Automerge update is a
      // valid "nothing new". Anywhere in the payload: malformed.
      if (cut < header) {
        const codes: RecordErrorCode[] = [...malformed, 'BRIEFCASE_FOREIGN_UPDATE']
        return { bytes, codes, mayApply: false }
      }
      return { bytes, codes: malformed, mayApply: cut === header && engine.name === 'automerge' }
    }
    case 'bitFlip': {
      const bytes = real(c.update).slice()
      const i = Math.floor((c.at / 1000) * bytes.length)
      bytes[i] = (bytes[i] ?? 0) ^ (1 << c.bit)
      const codes: RecordErrorCode[] = [
        'BRIEFCASE_MALFORMED_UPDATE',
        'BRIEFCASE_ENGINE_MISMATCH',
        'BRIEFCASE_FOREIGN_UPDATE',
      ]
      return { bytes, codes, mayApply: true }
    }
    case 'splice': {
      // The head of one real payload joined to the tail of another, in a valid envelope.
      const envelope = openEnvelope(real(c.update))
      const head = envelope.payload.slice(0, Math.floor((c.at / 1000) * envelope.payload.length))
      const tailOf = openEnvelope(real(c.other)).payload
      const tail = tailOf.slice(Math.floor((c.otherAt / 1000) * tailOf.length))
      const payload = new Uint8Array([...head, ...tail])
      return { bytes: sealEnvelope({ ...envelope, payload }), codes: malformed, mayApply: true }
    }
    case 'insertBytes': {
      const envelope = openEnvelope(real(c.update))
      const at = Math.floor((c.at / 1000) * envelope.payload.length)
      const p = envelope.payload
      const payload = new Uint8Array([...p.slice(0, at), ...c.bytes, ...p.slice(at)])
      return { bytes: sealEnvelope({ ...envelope, payload }), codes: malformed, mayApply: true }
    }
    case 'otherEngine': {
      const other = engine.name === 'yjs' ? automergeEngine : yjsEngine
      const bytes = pick(peerUpdates(other, name, edits), c.update / 1000) as Uint8Array
      return { bytes, codes: ['BRIEFCASE_ENGINE_MISMATCH'], mayApply: false }
    }
    case 'otherDocument': {
      const elsewhere = docName('Account', OTHER_IDS[0])
      const bytes = pick(peerUpdates(engine, elsewhere, edits), c.update / 1000) as Uint8Array
      return { bytes, codes: ['BRIEFCASE_FOREIGN_UPDATE'], mayApply: false }
    }
    case 'stateVector':
      return {
        bytes: open(engine, 'other', name).encodeStateVector(),
        codes: malformed,
        mayApply: false,
      }
  }
}

function refusalCase(engine: MergeEngine, edits: readonly Edit[], c: Corruption): void {
  const name = docName('Account', BASE_ID)
  const own = peerUpdates(engine, name, edits)
  const target = open(engine, 'target', name, own[0])
  const bad = corrupt(engine, name, edits, c, own)
  const before = snapshotJson(target.snapshot())
  const vector = target.encodeStateVector()
  let refused: unknown = null
  try {
    target.applyUpdate(bad.bytes)
  } catch (e) {
    refused = e
  }
  if (refused === null) {
    if (!bad.mayApply) throw new Error(`${c.kind}: bad bytes were applied`)
  } else {
    if (!isRecordError(refused))
      throw refused instanceof Error ? refused : new Error('not an Error', { cause: refused })
    if (!bad.codes.includes(refused.code)) {
      throw new Error(`${c.kind}: refused with ${refused.code}, expected ${bad.codes.join(' or ')}`)
    }
    if (snapshotJson(target.snapshot()) !== before)
      throw new Error(`${c.kind}: a refused update changed the record`)
    if (!isEqual(target.encodeStateVector(), vector))
      throw new Error(`${c.kind}: a refused update changed the state vector`)
  }
  // Refused or not, the replica still takes the real updates and reaches the peer's state.
  for (const u of own) target.applyUpdate(u)
  const peer = open(engine, 'check', name)
  for (const u of own) peer.applyUpdate(u)
  if (refused !== null && snapshotJson(target.snapshot()) !== snapshotJson(peer.snapshot())) {
    throw new Error(`${c.kind}: after a refused update the replica no longer converges`)
  }
  target.pending()
}

function isEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

const runs = refusalRuns()

describe.each([yjsEngine, automergeEngine])('updates refused on $name', (engine) => {
  const title = `${engine.name}: malformed, truncated and foreign updates are refused and change nothing`
  it(
    title,
    async () => {
      await checkProperty(
        title,
        'tests/merge-properties/refusal.test.ts',
        caseArbitrary,
        ({ edits, corruption: c }) => refusalCase(engine, edits, c),
        runs,
      )
    },
    timeoutFor(runs, 30),
  )

  it('refuses each kind with its code', () => {
    const name = docName('Account', BASE_ID)
    const own = peerUpdates(engine, name, [{ kind: 'name', value: 1 }])
    const target = open(engine, 'target', name)
    const code = (bytes: Uint8Array): string => {
      try {
        target.applyUpdate(bytes)
      } catch (e) {
        return isRecordError(e) ? e.code : String(e)
      }
      return 'applied'
    }
    const other = engine.name === 'yjs' ? automergeEngine : yjsEngine
    const elsewhere = docName('Account', OTHER_IDS[0])
    expect({
      random: code(new Uint8Array([1, 2, 3, 4, 5, 6, 7])),
      truncated: code((own[1] as Uint8Array).slice(0, -1)),
      otherEngine: code(peerUpdates(other, name, [])[0] as Uint8Array),
      otherDocument: code(peerUpdates(engine, elsewhere, [])[0] as Uint8Array),
    }).toMatchInlineSnapshot(`
      {
        "otherDocument": "BRIEFCASE_FOREIGN_UPDATE",
        "otherEngine": "BRIEFCASE_ENGINE_MISMATCH",
        "random": "BRIEFCASE_MALFORMED_UPDATE",
        "truncated": "BRIEFCASE_MALFORMED_UPDATE",
      }
    `)
    expect(target.snapshot().maps.entries).toEqual({})
  })
})
