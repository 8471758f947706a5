import { makeId, type SalesforceId } from '../ids.js'
import type { StoredRecord } from '../schema/types.js'

/** One entry of the delete log that getDeleted reads. */
export interface DeleteLogEntry {
  readonly type: string
  readonly id: string
  readonly deletedDate: number
}

/** When a user last viewed or referenced a record. */
export interface ViewMark {
  viewed?: number
  referenced?: number
}

/** Everything the store holds, as plain JSON (for save/load and snapshots). */
export interface StoreData {
  readonly version: 1
  readonly counter: number
  readonly autoNumbers: Record<string, number>
  readonly records: Record<string, StoredRecord[]>
  readonly deleteLog: DeleteLogEntry[]
  /** userId → recordId → marks. */
  readonly views: Record<string, Record<string, ViewMark>>
}

/** One record write, as change capture sees it: the record before (none for a create) and after. */
export interface StoreChange {
  readonly type: string
  readonly before: Readonly<StoredRecord> | undefined
  readonly after: Readonly<StoredRecord>
}

/** Receives the writes of each committed transaction (a write outside any transaction alone). */
export type StoreObserver = (changes: readonly StoreChange[]) => void

/** A write transaction: `rollback` restores every record it touched and the delete log. */
export interface Transaction {
  commit(): void
  rollback(): void
}

interface Journal {
  readonly before: Map<string, { type: string; record: StoredRecord | undefined }>
  readonly deleteLogLength: number
  /** The writes made in the transaction, handed to the observer when the outermost commits. */
  readonly changes: StoreChange[]
}

const FIRST_COUNTER = 100_000

/**
 * The org's records in memory: one table per object, deleted records kept (IsDeleted, the
 * recycle bin), a delete log, per-user view marks and nested transactions for rollback.
 */
export class RecordStore {
  private tables = new Map<string, Map<string, StoredRecord>>()
  private deletes: DeleteLogEntry[] = []
  private views = new Map<string, Map<string, ViewMark>>()
  private journals: Journal[] = []
  private counter = FIRST_COUNTER
  private autoNumbers = new Map<string, number>()
  private observer: StoreObserver | undefined

  /** Sets (or, with `undefined`, removes) the one observer of committed writes. */
  observe(observer: StoreObserver | undefined): void {
    this.observer = observer
  }

  /** A fresh Id with the given key prefix. */
  nextId(prefix: string): SalesforceId {
    this.counter += 1
    return makeId(prefix, this.counter)
  }

  /** The next value of an auto-number sequence (e.g. CaseNumber), starting at `start`. */
  nextAutoNumber(key: string, start: number): number {
    const next = (this.autoNumbers.get(key) ?? start - 1) + 1
    this.autoNumbers.set(key, next)
    return next
  }

  /** The record with this (18-character) Id, deleted or not; a copy the caller may change. */
  get(type: string, id: string): StoredRecord | undefined {
    const r = this.tables.get(type)?.get(id)
    return r ? { ...r } : undefined
  }

  /** The stored record itself (no copy): for reads only, never mutate it. */
  peek(type: string, id: string): Readonly<StoredRecord> | undefined {
    return this.tables.get(type)?.get(id)
  }

  /** Every record of a type (deleted ones too). Read-only views: do not mutate. */
  all(type: string): Iterable<Readonly<StoredRecord>> {
    return this.tables.get(type)?.values() ?? []
  }

  /** Number of records of a type (deleted ones too). */
  count(type: string): number {
    return this.tables.get(type)?.size ?? 0
  }

  /** Inserts or replaces a record, journaling its previous state for rollback. */
  put(type: string, record: StoredRecord): void {
    const id = String(record.Id)
    let table = this.tables.get(type)
    if (!table) {
      table = new Map()
      this.tables.set(type, table)
    }
    const journal = this.journals.at(-1)
    const prev = table.get(id)
    if (journal && !journal.before.has(id)) {
      journal.before.set(id, { type, record: prev ? { ...prev } : undefined })
    }
    table.set(id, { ...record })
    if (this.observer) {
      const change: StoreChange = { type, before: prev, after: { ...record } }
      if (journal) journal.changes.push(change)
      else this.observer([change])
    }
  }

  /** Appends to the delete log. */
  logDelete(entry: DeleteLogEntry): void {
    this.deletes.push(entry)
  }

  /** The delete log entries of a type. */
  deleteLog(type: string): DeleteLogEntry[] {
    return this.deletes.filter((d) => d.type === type)
  }

  /** Marks a record viewed or referenced by a user at `at`. Not rolled back. */
  mark(userId: string, recordId: string, kind: keyof ViewMark, at: number): void {
    let marks = this.views.get(userId)
    if (!marks) {
      marks = new Map()
      this.views.set(userId, marks)
    }
    const mark = marks.get(recordId) ?? {}
    mark[kind] = at
    marks.set(recordId, mark)
  }

  /** A user's view marks for a record. */
  marks(userId: string, recordId: string): ViewMark | undefined {
    return this.views.get(userId)?.get(recordId)
  }

  /** Every record a user has marks for. */
  markedBy(userId: string): Iterable<[string, ViewMark]> {
    return this.views.get(userId)?.entries() ?? []
  }

  /** Starts a (nested) transaction. */
  begin(): Transaction {
    const journal: Journal = {
      before: new Map(),
      deleteLogLength: this.deletes.length,
      changes: [],
    }
    this.journals.push(journal)
    const pop = (): void => {
      const i = this.journals.lastIndexOf(journal)
      if (i >= 0) this.journals.splice(i, 1)
    }
    return {
      commit: () => {
        pop()
        const outer = this.journals.at(-1)
        if (!outer) {
          if (journal.changes.length > 0) this.observer?.(journal.changes)
          return
        }
        outer.changes.push(...journal.changes)
        for (const [id, prev] of journal.before) {
          if (!outer.before.has(id)) outer.before.set(id, prev)
        }
      },
      rollback: () => {
        pop()
        for (const [id, prev] of journal.before) {
          const table = this.tables.get(prev.type)
          if (!table) continue
          if (prev.record) table.set(id, prev.record)
          else table.delete(id)
        }
        this.deletes.length = journal.deleteLogLength
      },
    }
  }

  /** Empties the store (keeps the Id counter moving forward, as Salesforce never reuses Ids). */
  clear(): void {
    this.tables.clear()
    this.deletes = []
    this.views.clear()
    this.journals = []
    this.autoNumbers.clear()
  }

  /** Restarts the Id counter (used before seeding so seeded Ids are deterministic). */
  resetCounter(): void {
    this.counter = FIRST_COUNTER
  }

  /** Plain JSON of everything in the store. */
  toData(): StoreData {
    const records: Record<string, StoredRecord[]> = {}
    for (const [type, table] of this.tables)
      records[type] = [...table.values()].map((r) => ({ ...r }))
    const views: Record<string, Record<string, ViewMark>> = {}
    for (const [user, marks] of this.views) views[user] = Object.fromEntries(marks)
    return {
      version: 1,
      counter: this.counter,
      autoNumbers: Object.fromEntries(this.autoNumbers),
      records,
      deleteLog: [...this.deletes],
      views,
    }
  }

  /** Replaces everything with `data` (from {@link toData}). */
  loadData(data: StoreData): void {
    this.clear()
    this.counter = data.counter
    for (const [k, v] of Object.entries(data.autoNumbers)) this.autoNumbers.set(k, v)
    for (const [type, list] of Object.entries(data.records)) {
      this.tables.set(type, new Map(list.map((r) => [String(r.Id), { ...r }])))
    }
    this.deletes = [...data.deleteLog]
    for (const [user, marks] of Object.entries(data.views)) {
      this.views.set(user, new Map(Object.entries(marks).map(([id, m]) => [id, { ...m }])))
    }
  }
}
