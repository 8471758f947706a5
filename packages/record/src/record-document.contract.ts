import { describe, expect, it } from 'vitest'
import type { MergeEngine } from './engine.js'
import { isRecordError } from './errors.js'
import type { RecordErrorCode } from './errors.js'
import { createHybridClock, decodeHlc } from './hlc.js'
import type { DraftKey, SalesforceId } from './ids.js'
import { newDraftKey, parseDeviceId, toSalesforceId } from './ids.js'
import { RecordDocument } from './record-document.js'
import type { ObjectSchema } from './schema.js'
import type { ServerInfo } from './server-updates.js'

export const accountSchema: ObjectSchema = {
  name: 'Account',
  fields: {
    Name: { name: 'Name', type: 'string', length: 255, createable: true, updateable: true },
    Phone: { name: 'Phone', type: 'phone', length: 40 },
    Industry: {
      name: 'Industry',
      type: 'picklist',
      picklistValues: ['Energy', 'Retail'],
      restrictedPicklist: true,
    },
    AnnualRevenue: { name: 'AnnualRevenue', type: 'currency' },
    IsPartner: { name: 'IsPartner', type: 'boolean' },
    ParentId: { name: 'ParentId', type: 'reference', referenceTo: ['Account'] },
    Rating: { name: 'Rating', type: 'picklist', createable: false, updateable: false },
    Description: { name: 'Description', type: 'textarea', length: 32000 },
  },
}

const USER_A = '005000000000001AAA'
const USER_B = '005000000000002AAA'
const ACCOUNT_ID = toSalesforceId('001000000000001') as SalesforceId

/** A device: its clock runs on a time the test sets. */
export function makeDevice(name: string, user: string, start = 1_800_000_000_000) {
  const time = { now: start }
  const device = parseDeviceId(name)
  const clock = createHybridClock({ device, now: () => time.now })
  return { time, clock, actor: { user, device } }
}

function info(lastModified: string, by = USER_B): ServerInfo {
  return {
    salesforceId: ACCOUNT_ID,
    lastModifiedDate: lastModified,
    systemModstamp: lastModified,
    lastModifiedById: by,
  }
}

function sync(a: RecordDocument, b: RecordDocument): void {
  const toB = a.encodeUpdate(b.encodeStateVector())
  const toA = b.encodeUpdate(a.encodeStateVector())
  b.applyUpdate(toB)
  a.applyUpdate(toA)
}

function codeOf(fn: () => unknown): RecordErrorCode | undefined {
  try {
    fn()
  } catch (e) {
    if (isRecordError(e)) return e.code
    throw e
  }
  return undefined
}

/** The contract every merge engine meets: the record model's rules, through the public API. */
export function runRecordDocumentContract(engine: MergeEngine, other: MergeEngine): void {
  const open = (d: ReturnType<typeof makeDevice>, name: string, state?: Uint8Array) =>
    RecordDocument.open({
      engine,
      name,
      schema: accountSchema,
      clock: d.clock,
      actor: d.actor,
      ...(state ? { state } : {}),
    })

  /** An Account loaded from Salesforce by the relay, then opened on two devices. */
  const loaded = () => {
    const relay = makeDevice('relay', 'relay')
    const server = open(relay, `Account/${ACCOUNT_ID}`)
    server.applyServerRecord(
      { Name: 'Acme', Phone: '4155550100', Description: 'Key account.', IsPartner: false },
      info('2026-01-01T10:00:00.000+0000'),
    )
    const a = makeDevice('phone', USER_A)
    const b = makeDevice('tablet', USER_B)
    return {
      server,
      relay,
      a,
      b,
      docA: open(a, server.name, server.encodeState()),
      docB: open(b, server.name, server.encodeState()),
    }
  }

  describe(`record document on ${engine.name}`, () => {
    it('creates a record offline under a draft key, as a pending create', () => {
      const a = makeDevice('phone', USER_A)
      const doc = RecordDocument.createDraft({
        engine,
        schema: accountSchema,
        clock: a.clock,
        actor: a.actor,
        values: { Name: 'Acme', AnnualRevenue: 12.5, Description: 'New lead from the fair.' },
      })
      expect(doc.draftKey()).toBe(doc.key)
      expect(doc.name).toBe(`Account/${doc.key}`)
      expect(doc.values()).toMatchObject({
        Name: 'Acme',
        AnnualRevenue: 12.5,
        Description: 'New lead from the fair.',
        Phone: null,
      })
      const pending = doc.pending()
      expect(pending?.operation).toBe('create')
      expect(pending?.fields.map((f) => [f.field, f.old, f.new])).toEqual([
        ['AnnualRevenue', null, 12.5],
        ['Description', null, 'New lead from the fair.'],
        ['Name', null, 'Acme'],
      ])
      expect(pending?.fields[0]?.author).toEqual({ user: USER_A, device: 'phone' })
    })

    it('loads a Salesforce record with nothing pending', () => {
      const { docA } = loaded()
      expect(docA.values()).toMatchObject({ Name: 'Acme', Phone: '4155550100', IsPartner: false })
      expect(docA.text('Description')).toBe('Key account.')
      expect(docA.salesforceId()).toBe(ACCOUNT_ID)
      expect(docA.pending()).toBeNull()
    })

    it('refuses values of the wrong type, unknown fields and read-only fields, and changes nothing', () => {
      const { docA } = loaded()
      const before = docA.snapshot()
      expect(codeOf(() => docA.set('AnnualRevenue', 'lots'))).toBe('BRIEFCASE_FIELD_TYPE')
      expect(codeOf(() => docA.set('IsPartner', 'yes'))).toBe('BRIEFCASE_FIELD_TYPE')
      expect(codeOf(() => docA.set('Industry', 'Mining'))).toBe('BRIEFCASE_FIELD_TYPE')
      expect(codeOf(() => docA.set('ParentId', 'not-an-id'))).toBe('BRIEFCASE_FIELD_TYPE')
      expect(codeOf(() => docA.set('Name', 'x'.repeat(256)))).toBe('BRIEFCASE_FIELD_TYPE')
      expect(codeOf(() => docA.set('Nope__c', 1))).toBe('BRIEFCASE_UNKNOWN_FIELD')
      expect(codeOf(() => docA.set('Rating', 'Hot'))).toBe('BRIEFCASE_READ_ONLY_FIELD')
      expect(codeOf(() => docA.insertText('Description', 99, 'x'))).toBe(
        'BRIEFCASE_INVALID_OPERATION',
      )
      expect(codeOf(() => docA.insertText('Name', 0, 'x'))).toBe('BRIEFCASE_FIELD_TYPE')
      expect(docA.snapshot()).toEqual(before)
    })

    it('keeps concurrent edits of different fields and long text from both devices', () => {
      const { docA, docB } = loaded()
      docA.set('Phone', '4155550199')
      docB.set('Industry', 'Energy')
      docA.insertText('Description', 0, 'VIP. ')
      docB.insertText('Description', docB.text('Description').length, ' Renewal due.')
      sync(docA, docB)
      expect(docA.snapshot()).toEqual(docB.snapshot())
      expect(docA.values()).toMatchObject({ Phone: '4155550199', Industry: 'Energy' })
      expect(docA.text('Description')).toBe('VIP. Key account. Renewal due.')
      expect(docA.pending()).toEqual(docB.pending())
      expect(docA.pending()?.fields.map((f) => f.field)).toEqual([
        'Description',
        'Industry',
        'Phone',
      ])
    })

    it('gives a concurrent conflict to the later edit, whatever the device ids', () => {
      for (const [first, second] of [
        ['aaa', 'zzz'],
        ['zzz', 'aaa'],
      ] as const) {
        const { server } = loaded()
        const x = makeDevice(first, USER_A)
        const y = makeDevice(second, USER_B)
        const docX = open(x, server.name, server.encodeState())
        const docY = open(y, server.name, server.encodeState())
        x.time.now += 1_000
        y.time.now += 2_000
        docX.set('Phone', '1111111111')
        docY.set('Phone', '2222222222')
        sync(docX, docY)
        expect(docX.get('Phone')).toBe('2222222222')
        expect(docY.get('Phone')).toBe('2222222222')
        const superseded = docX.pending()?.superseded ?? []
        expect(superseded.map((s) => [s.value, s.author.device, s.by.value])).toEqual([
          ['1111111111', first, '2222222222'],
        ])
      }
    })

    it('lets an edit made after seeing another win, even from a device whose clock is behind', () => {
      const { docA, docB, a, b } = loaded()
      a.time.now += 3_600_000 // phone's clock is an hour ahead
      docA.set('Phone', '1111111111')
      sync(docA, docB)
      b.time.now += 1_000 // tablet edits later in real time, with a slower clock
      docB.set('Phone', '2222222222')
      sync(docA, docB)
      expect(docA.get('Phone')).toBe('2222222222')
      expect(docA.snapshot()).toEqual(docB.snapshot())
    })

    it('makes a delete win over a concurrent edit and reports the edit it beat', () => {
      const { docA, docB, b } = loaded()
      docA.delete()
      b.time.now += 5_000
      docB.set('Phone', '3333333333')
      sync(docA, docB)
      expect(docA.isDeleted()).toBe(true)
      expect(docB.isDeleted()).toBe(true)
      const pending = docB.pending()
      expect(pending?.operation).toBe('delete')
      expect(pending?.deleted?.author).toEqual({ user: USER_A, device: 'phone' })
      expect(pending?.beaten.map((e) => [e.field, e.value, e.author.device])).toEqual([
        ['Phone', '3333333333', 'tablet'],
      ])
      expect(docA.pending()).toEqual(pending)
      expect(codeOf(() => docB.set('Phone', '4'))).toBe('BRIEFCASE_RECORD_DELETED')
      expect(docA.delete()).toBeNull()
    })

    it('does not report edits the deleter had seen', () => {
      const { docA, docB } = loaded()
      docB.set('Phone', '3333333333')
      sync(docA, docB)
      docA.delete()
      sync(docA, docB)
      expect(docB.pending()?.beaten).toEqual([])
    })

    it('lets a newer server change beat an older offline edit, and a newer edit beat an older server change', () => {
      const { server, docA, a } = loaded()
      a.time.now = Date.parse('2026-01-01T11:00:00.000Z')
      docA.set('Phone', '1111111111')
      a.time.now = Date.parse('2026-01-01T13:00:00.000Z')
      docA.set('Industry', 'Retail')
      server.applyServerRecord(
        { Phone: '9999999999', Industry: 'Energy' },
        info('2026-01-01T12:00:00.000+0000'),
      )
      sync(server, docA)
      expect(docA.values()).toMatchObject({ Phone: '9999999999', Industry: 'Retail' })
      const pending = docA.pending()
      expect(pending?.fields.map((f) => [f.field, f.old, f.new])).toEqual([
        ['Industry', 'Energy', 'Retail'],
      ])
      expect(pending?.superseded.map((s) => [s.field, s.value, s.by.author.user])).toEqual([
        ['Phone', '1111111111', USER_B],
      ])
    })

    it('changes only the shadow when Salesforce echoes our own write', () => {
      const { server, docA, a } = loaded()
      a.time.now = Date.parse('2026-01-01T11:00:00.000Z')
      const at = docA.set('Phone', '1111111111')
      sync(server, docA)
      server.acknowledgeWrite({
        fields: { Phone: { value: '1111111111', stamp: at } },
        info: info('2026-01-01T11:00:05.000+0000', USER_A),
      })
      const afterAck = server.snapshot()
      expect(server.pending()).toBeNull()
      expect(afterAck.maps.entries).toEqual({})
      server.applyServerRecord(
        { Phone: '1111111111' },
        info('2026-01-01T11:00:05.000+0000', USER_A),
      )
      expect(server.snapshot()).toEqual(afterAck)
      sync(server, docA)
      expect(docA.pending()).toBeNull()
      expect(docA.get('Phone')).toBe('1111111111')
    })

    it('merges a server-side long-text change with device edits by character', () => {
      const { server, docA } = loaded()
      docA.insertText('Description', 0, 'VIP. ')
      server.applyServerRecord(
        { Description: 'Key account. Owner changed.' },
        info('2026-01-01T12:00:00.000+0000'),
      )
      sync(server, docA)
      expect(docA.text('Description')).toBe('VIP. Key account. Owner changed.')
      expect(docA.pending()?.fields).toMatchObject([
        {
          field: 'Description',
          old: 'Key account. Owner changed.',
          new: 'VIP. Key account. Owner changed.',
        },
      ])
    })

    it('holds a loaded long text once, and keeps the loaded value as the old value of edits', () => {
      const relay = makeDevice('relay', 'relay')
      const server = open(relay, `Account/${ACCOUNT_ID}`)
      // Letters from a fixed LCG: text that compresses little, so a second copy would show.
      let seed = 7
      const long = Array.from({ length: 4_000 }, () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
        return 'abcdefghijklmnopqrstuvwxyz     '[(seed >>> 16) % 31]
      }).join('')
      server.applyServerRecord({ Name: 'Acme', Description: long }, info('2026-01-01T10:00:00Z'))
      expect(server.encodeState().length).toBeLessThan(long.length * 1.25)
      expect(server.shadow('Description')).toBe(long)

      const a = makeDevice('phone', USER_A)
      const b = makeDevice('tablet', USER_B)
      const docA = open(a, server.name, server.encodeState())
      const docB = open(b, server.name, server.encodeState())
      docA.insertText('Description', 0, 'A: ')
      docB.deleteText('Description', 0, 4)
      const expectOld = (doc: RecordDocument) =>
        expect(doc.pending()?.fields).toMatchObject([{ field: 'Description', old: long }])
      expectOld(docA)
      expectOld(docB)
      // A replica that receives only A's edit learns the loaded value with it.
      const relayCopy = open(relay, server.name, server.encodeState())
      relayCopy.applyUpdate(docA.encodeUpdate(server.encodeStateVector()))
      expectOld(relayCopy)
      sync(docA, docB)
      sync(server, docA)
      sync(server, docB)
      const merged = `A: ${long.slice(4)}`
      for (const doc of [server, docA, docB]) {
        expect(doc.text('Description')).toBe(merged)
        expectOld(doc)
      }

      // A server change merges three ways from the loaded value, and then the shadow holds it.
      const changed = `${long}Renewal due.`
      server.applyServerRecord({ Description: changed }, info('2026-01-02T10:00:00Z'))
      expect(server.text('Description')).toBe(`A: ${changed.slice(4)}`)
      expect(server.shadow('Description')).toBe(changed)
      expect(server.snapshot().maps.bases).toEqual({})
      sync(server, docA)
      expect(docA.pending()?.fields).toMatchObject([
        { field: 'Description', old: changed, new: `A: ${changed.slice(4)}` },
      ])
    })

    it('lets a lookup hold a draft key until the relay resolves it', () => {
      const a = makeDevice('phone', USER_A)
      const parent = RecordDocument.createDraft({
        engine,
        schema: accountSchema,
        clock: a.clock,
        actor: a.actor,
        values: { Name: 'Parent' },
      })
      const child = RecordDocument.createDraft({
        engine,
        schema: accountSchema,
        clock: a.clock,
        actor: a.actor,
        values: { Name: 'Child', ParentId: parent.key },
      })
      expect(child.pending()?.dependsOn).toEqual([parent.key])
      child.resolveDraftKeys({ [parent.key as DraftKey]: ACCOUNT_ID })
      expect(child.get('ParentId')).toBe(ACCOUNT_ID)
      expect(child.pending()?.dependsOn).toEqual([])
      expect(child.pending()?.fields.find((f) => f.field === 'ParentId')?.new).toBe(ACCOUNT_ID)
    })

    it('clears a create once the relay records the Salesforce Id', () => {
      const a = makeDevice('phone', USER_A)
      const doc = RecordDocument.createDraft({
        engine,
        schema: accountSchema,
        clock: a.clock,
        actor: a.actor,
        values: { Name: 'Acme' },
      })
      const name = doc.pending()?.fields[0]
      doc.acknowledgeWrite({
        fields: { Name: { value: 'Acme', stamp: name?.at ?? doc.clock.peek() } },
        info: info('2026-01-01T10:00:00.000+0000', USER_A),
      })
      expect(doc.salesforceId()).toBe(ACCOUNT_ID)
      expect(doc.pending()).toBeNull()
      doc.set('Phone', '4155550100')
      expect(doc.pending()?.operation).toBe('update')
    })

    it('drops a notice once its author dismisses it', () => {
      const { docA, docB, a, b } = loaded()
      a.time.now += 1_000
      b.time.now += 2_000
      docA.set('Phone', '1111111111')
      docB.set('Phone', '2222222222')
      sync(docA, docB)
      const notice = docA.pending()?.superseded[0]
      expect(notice?.author.device).toBe('phone')
      docB.dismiss([{ field: 'Phone', at: notice?.at ?? docB.clock.peek() }]) // not B's: ignored
      expect(docB.pending()?.superseded).toHaveLength(1)
      docA.dismiss([{ field: 'Phone', at: notice?.at ?? docA.clock.peek() }])
      sync(docA, docB)
      expect(docB.pending()?.superseded).toEqual([])
      expect(docB.get('Phone')).toBe('2222222222')
    })

    it('carries the relay sync status to every replica', () => {
      const { server, docA } = loaded()
      server.setStatus({
        state: 'error',
        at: '2026-01-01T12:00:00.000Z',
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Phone must contain at least 10 digits.',
        fields: ['Phone'],
      })
      sync(server, docA)
      expect(docA.status()).toMatchObject({ state: 'error', fields: ['Phone'] })
      server.setStatus(null)
      sync(server, docA)
      expect(docA.status()).toBeNull()
    })

    it('round-trips its state and knows when another replica has everything', () => {
      const { docA, a } = loaded()
      docA.set('Phone', '4155550111')
      docA.insertText('Description', 0, '★ ')
      const copy = open(makeDevice('laptop', USER_A), docA.name, docA.encodeState())
      expect(copy.snapshot()).toEqual(docA.snapshot())
      expect(copy.pending()).toEqual(docA.pending())
      expect(docA.isCoveredBy(copy.encodeStateVector())).toBe(true)
      a.time.now += 10
      docA.set('Phone', '4155550122')
      expect(docA.isCoveredBy(copy.encodeStateVector())).toBe(false)
      copy.applyUpdate(docA.encodeUpdate(copy.encodeStateVector()))
      expect(docA.isCoveredBy(copy.encodeStateVector())).toBe(true)
      expect(copy.isCoveredBy(docA.encodeStateVector())).toBe(true)
    })

    it('applies updates idempotently and in any order', () => {
      const { docA, docB, server } = loaded()
      const updates: Uint8Array[] = []
      docA.onUpdate((u) => updates.push(u))
      docA.set('Phone', '4155550111')
      docA.insertText('Description', 0, 'A')
      docA.set('Industry', 'Retail')
      for (const u of [...updates].reverse()) docB.applyUpdate(u)
      for (const u of updates) docB.applyUpdate(u)
      const third = open(makeDevice('laptop', USER_A), server.name, server.encodeState())
      for (const u of updates) third.applyUpdate(u)
      expect(docB.snapshot()).toEqual(docA.snapshot())
      expect(third.snapshot()).toEqual(docA.snapshot())
    })

    it('refuses malformed, foreign and other-engine updates and stays as it was', () => {
      const { docA, docB, server } = loaded()
      docB.set('Phone', '4155550111')
      const good = docB.encodeUpdate(docA.encodeStateVector())
      const before = docA.snapshot()
      const otherDoc = RecordDocument.open({
        engine,
        name: `Account/${toSalesforceId('001000000000002') as string}`,
        schema: accountSchema,
        clock: makeDevice('x', USER_A).clock,
        actor: makeDevice('x', USER_A).actor,
      })
      otherDoc.set('Name', 'Other')
      const otherEngine = RecordDocument.open({
        engine: other,
        name: server.name,
        schema: accountSchema,
        clock: makeDevice('y', USER_A).clock,
        actor: makeDevice('y', USER_A).actor,
      })
      otherEngine.set('Name', 'Other engine')
      const tampered = good.slice()
      tampered[tampered.length - 3] = (tampered[tampered.length - 3] ?? 0) ^ 0xff
      const cases: [Uint8Array, RecordErrorCode][] = [
        [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 'BRIEFCASE_MALFORMED_UPDATE'],
        [good.slice(0, good.length - 4), 'BRIEFCASE_MALFORMED_UPDATE'],
        [tampered, 'BRIEFCASE_MALFORMED_UPDATE'],
        [otherDoc.encodeState(), 'BRIEFCASE_FOREIGN_UPDATE'],
        [otherEngine.encodeState(), 'BRIEFCASE_ENGINE_MISMATCH'],
        [docB.encodeStateVector(), 'BRIEFCASE_MALFORMED_UPDATE'],
      ]
      for (const [bytes, code] of cases) {
        expect(codeOf(() => docA.applyUpdate(bytes))).toBe(code)
        expect(docA.snapshot()).toEqual(before)
      }
      docA.applyUpdate(good)
      expect(docA.get('Phone')).toBe('4155550111')
    })

    it('stamps with the device clock and keeps the device oldest unsent edit to date the change', () => {
      const { docA, a } = loaded()
      a.time.now = 1_800_000_000_000
      const first = docA.set('Phone', '4155550111')
      a.time.now += 60_000
      docA.set('Phone', '4155550122')
      a.time.now += 60_000
      const last = docA.set('Phone', '4155550133')
      expect(decodeHlc(last).wall).toBe(1_800_000_120_000)
      const pending = docA.pending()
      expect(pending?.firstChangeAt).toBe(first)
      expect(pending?.fields[0]?.at).toBe(last)
      expect(Object.keys(docA.snapshot().maps.entries)).toHaveLength(2)
    })

    it('opens documents only with their own schema', () => {
      const a = makeDevice('phone', USER_A)
      expect(
        codeOf(() =>
          RecordDocument.open({
            engine,
            name: `Contact/${newDraftKey()}`,
            schema: accountSchema,
            clock: a.clock,
            actor: a.actor,
          }),
        ),
      ).toBe('BRIEFCASE_INVALID_NAME')
    })
  })
}
