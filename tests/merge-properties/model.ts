import type { DocName, DraftKey, FieldValue, HlcString, SalesforceId } from '@briefcase/record'
import { ALL_FIELDS } from './fixtures.js'

/** A scalar edit that happened: a device's set, a draft's initial value or a server change. */
export interface ModelEdit {
  field: string
  stamp: HlcString
  value: FieldValue
  source: 'base' | 'create' | 'device' | 'server'
  node: string
  /** For a server change: the Salesforce user who made it. */
  user?: string
}

/** What the relay recorded as Salesforce's value of a field, and its stamp. */
export interface ShadowField {
  value: FieldValue
  stamp: string
}

/** A delete: the entry keys its replica held when it deleted (a server delete sees none). */
export interface ModelDelete {
  node: string
  seen: ReadonlySet<string>
  onServer: boolean
}

/** What Salesforce holds for a record (the relay's view of the org). */
export interface SalesforceRecord {
  id: SalesforceId
  lastModified: number
  /** SystemModstamp: moves with every change, and also without one (system jobs). */
  systemModstamp: number
  lastModifiedBy: string
  values: Record<string, FieldValue>
  deleted: boolean
}

/** A text as a replica showed it right after a local edit, to check that order never changes. */
export interface TextObservation {
  node: string
  field: string
  text: string
}

/** Everything that happened to one record, independent of any engine. */
export class RecordModel {
  readonly name: DocName
  readonly draftKey: DraftKey | null
  /** Order of creation in the run (the base record is 0). */
  readonly ordinal: number
  readonly edits: ModelEdit[] = []
  /** Device edits of long-text fields (who touched the text, when). */
  readonly touches: { field: string; stamp: string; node: string }[] = []
  /** Per long-text field: every character inserted (each is unique), in order of insertion. */
  readonly inserted = new Map<string, string[]>()
  readonly deleted = new Map<string, Set<string>>()
  readonly observations: TextObservation[] = []
  readonly deletes: ModelDelete[] = []
  salesforce: SalesforceRecord | null = null
  /** The shadow, as the model computes it from loads, server changes and acknowledgements. */
  readonly shadow = new Map<string, ShadowField>()
  /** Draft keys resolved in this record's document. */
  readonly resolved = new Set<DraftKey>()
  /**
   * Text touches (`field@stamp`) an acknowledgement dropped: the relay held them and Salesforce
   * took them. By key, not stamp: a device whose clock is more than the drift bound behind the
   * record gives edits of different fields the same stamp.
   */
  readonly droppedTouches = new Set<string>()
  /** Writes Salesforce refused (validation) and transient failures: the write path in numbers. */
  refusals = 0
  /** True once the relay recorded that Salesforce no longer has the record. */
  goneFromSalesforce = false

  constructor(name: DocName, draftKey: DraftKey | null, ordinal: number) {
    this.name = name
    this.draftKey = draftKey
    this.ordinal = ordinal
  }

  edit(e: ModelEdit): void {
    this.edits.push(e)
  }

  touch(field: string, stamp: string, node: string): void {
    this.touches.push({ field, stamp, node })
  }

  insertChars(field: string, chars: string): void {
    const list = this.inserted.get(field) ?? []
    list.push(...chars)
    this.inserted.set(field, list)
  }

  deleteChars(field: string, chars: Iterable<string>): void {
    const set = this.deleted.get(field) ?? new Set<string>()
    for (const c of chars) set.add(c)
    this.deleted.set(field, set)
  }

  /** The edit with the greatest stamp of a field: the one whose value must win. */
  winner(field: string): ModelEdit | undefined {
    let best: ModelEdit | undefined
    for (const e of this.edits) if (e.field === field && (!best || e.stamp > best.stamp)) best = e
    return best
  }

  /** Characters inserted and not deleted by anyone, sorted. */
  survivors(field: string): string[] {
    const gone = this.deleted.get(field) ?? new Set<string>()
    return (this.inserted.get(field) ?? []).filter((c) => !gone.has(c)).sort()
  }
}

/** The reference model of a run: every record, the unique characters, Salesforce's Ids. */
export class Model {
  readonly records = new Map<string, RecordModel>()
  /** Draft key → the Salesforce Id its create got. */
  readonly resolutions = new Map<DraftKey, SalesforceId>()
  #nextChar = 0xe000

  addRecord(name: DocName, draftKey: DraftKey | null): RecordModel {
    const r = new RecordModel(name, draftKey, this.records.size)
    this.records.set(name, r)
    return r
  }

  record(name: string): RecordModel {
    const r = this.records.get(name)
    if (!r) throw new Error(`no model of ${name}`)
    return r
  }

  /** `n` characters never used before in this run (Unicode private use area). */
  newChars(n: number): string {
    let s = ''
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.#nextChar++)
    if (this.#nextChar > 0xf8ff) throw new Error('out of unique characters')
    return s
  }

  /** A record's value with draft keys replaced where its document resolved them. */
  resolveIn(record: RecordModel, value: FieldValue): FieldValue {
    if (typeof value !== 'string' || !record.resolved.has(value as DraftKey)) return value
    return this.resolutions.get(value as DraftKey) ?? value
  }

  /** A value with draft keys replaced by the Ids their creates got. */
  resolve(value: FieldValue): FieldValue {
    return typeof value === 'string' ? (this.resolutions.get(value as DraftKey) ?? value) : value
  }
}

/** Every field of a Salesforce record, `null` where nothing was set. */
export function emptyValues(): Record<string, FieldValue> {
  return Object.fromEntries(ALL_FIELDS.map((f) => [f, null]))
}
