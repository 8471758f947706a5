import type { Forwarded, RecordDocument, ServerInfo } from '@briefcase/record'
import { MapRoot, isSalesforceId, parseDocName } from '@briefcase/record'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { DocKey, FieldGroupRecord } from '../store/relay-store.js'
import { docKeyString } from '../store/relay-store.js'
import type { CreationLocks } from './creation-locks.js'
import type { DocHub } from './doc-hub.js'
import type { HotDoc } from './hot-doc.js'
import type { ObjectLayouts } from './object-layouts.js'

/** Options of {@link RetiredDocs}. */
export interface RetiredDocsOptions {
  hub: DocHub
  layouts: ObjectLayouts
  logger: Logger
  /**
   * Among relays sharing a store: one forwards a record's retired documents at a time (two
   * relays forwarding the same edits at once would each apply a long text's diff).
   */
  locks?: CreationLocks
}

/**
 * Documents of a layout that is no longer current (ADR 0005): ADR 0002's per-group documents,
 * and the documents of a partition that a new view split. Nothing syncs or projects them as
 * current; their unwritten edits are forwarded into the record's current documents, a device
 * still holding one is recognised by its state vector, and a current document the relay lacks
 * is created from them.
 */
export class RetiredDocs {
  readonly #hub: DocHub
  readonly #layouts: ObjectLayouts
  readonly #logger: Logger
  readonly #locks: CreationLocks | undefined

  constructor(options: RetiredDocsOptions) {
    this.#hub = options.hub
    this.#layouts = options.layouts
    this.#logger = options.logger
    this.#locks = options.locks
  }

  /** The retired documents of a record, pinned (release each with `hub.release`). */
  async of(record: string): Promise<HotDoc[]> {
    const keys = (await this.#retiredKeys([record])).get(record) ?? []
    return keys.length === 0 ? [] : [...(await this.#hub.acquire(keys)).values()]
  }

  /**
   * The keys of the retired documents of `records`, by record (none: absent): the stored
   * documents of an object's records listed {@link LIST_NAMES} records a query.
   */
  async #retiredKeys(records: readonly string[]): Promise<Map<string, DocKey[]>> {
    const bySobject = new Map<string, string[]>()
    for (const record of records) {
      const { sobject } = parseDocName(record)
      const list = bySobject.get(sobject)
      if (list) list.push(record)
      else bySobject.set(sobject, [record])
    }
    const out = new Map<string, DocKey[]>()
    for (const [sobject, names] of bySobject) {
      const layout = await this.#layouts.current(sobject)
      if (layout.views === 0) continue
      const current = new Set(layout.partitions.map((p) => p.id))
      for (let i = 0; i < names.length; i += LIST_NAMES) {
        const metas = await this.#hub.store.listDocs({ names: names.slice(i, i + LIST_NAMES) })
        for (const m of metas) {
          if (current.has(m.group)) continue
          const keys = out.get(m.name)
          const key: DocKey = { name: m.name, group: m.group }
          if (keys) keys.push(key)
          else out.set(m.name, [key])
        }
      }
    }
    return out
  }

  /**
   * The retired document a device's replica of `current` descends from, pinned, if any: one that
   * has Yjs clients the device has and `current` lacks. `stateVector` is the device's (raw Yjs).
   */
  async lineageOf(current: HotDoc, stateVector: Uint8Array): Promise<HotDoc | undefined> {
    return (await this.lineagesOf([{ current, stateVector }]))[0]
  }

  /**
   * {@link lineageOf} for many documents at once (a bulk sync): the stored documents of the
   * records whose devices hold clients the relay lacks are listed together.
   */
  async lineagesOf(
    asked: readonly { current: HotDoc; stateVector: Uint8Array }[],
  ): Promise<(HotDoc | undefined)[]> {
    const unknown = asked.map((a) => unknownClients(this.#hub.ydocOf(a.current), a.stateVector))
    const records = new Set<string>()
    asked.forEach((a, i) => {
      if ((unknown[i] as number[]).length > 0) records.add(a.current.key.name)
    })
    const retired =
      records.size === 0 ? new Map<string, DocKey[]>() : await this.#retiredKeys([...records])
    const out: (HotDoc | undefined)[] = []
    for (const [i, a] of asked.entries()) {
      const keys = retired.get(a.current.key.name)
      const clients = unknown[i] as number[]
      out.push(keys && clients.length > 0 ? await this.#lineage(clients, keys) : undefined)
    }
    return out
  }

  /** The first of the retired documents `keys` holding one of `clients`, pinned. */
  async #lineage(clients: readonly number[], keys: readonly DocKey[]): Promise<HotDoc | undefined> {
    let found: HotDoc | undefined
    for (const r of (await this.#hub.acquire(keys)).values()) {
      const store = this.#hub.ydocOf(r).store
      if (!found && clients.some((c) => Y.getState(store, c) > 0)) found = r
      else this.#hub.release(r)
    }
    return found
  }

  /**
   * Forwards a retired document's unwritten edits into the record's current documents (created
   * from it where missing), then settles them in it, in one commit; resolves once durable.
   */
  async forward(retired: HotDoc): Promise<void> {
    if (!hasEdits(retired)) return
    if (!this.#locks) return this.#forward(retired)
    await this.#exclusive(retired.key.name, async () => {
      // Another relay may have forwarded them meanwhile, or refined the layout: this copy and
      // the layout catch up with the store first.
      await this.#layouts.reload([retired.group.sobject])
      const again = (await this.#hub.acquire([retired.key])).get(docKeyString(retired.key))
      try {
        if (again && hasEdits(again)) await this.#forward(again)
      } finally {
        if (again) this.#hub.release(again)
      }
    })
  }

  async #forward(retired: HotDoc): Promise<void> {
    const layout = await this.#layouts.current(retired.group.sobject)
    const targets = layout.partitions.filter((p) =>
      Object.keys(p.schema.fields).some((f) => Object.hasOwn(retired.group.schema.fields, f)),
    )
    const hot = await this.#targets(retired, targets)
    try {
      const all: Forwarded = { fields: {}, deleted: false }
      for (const t of hot) {
        const f = t.doc.forwardFrom(retired.doc)
        Object.assign(all.fields, f.fields)
        all.deleted ||= f.deleted
      }
      retired.doc.settleForwarded(all)
      this.#logger.info(
        { doc: retired.key.name, from: retired.key.group, fields: Object.keys(all.fields) },
        'forwarded the edits of a retired document',
      )
      await this.#hub.flush()
    } finally {
      for (const t of hot) this.#hub.release(t)
    }
  }

  /**
   * A record's current document for `partition`, created from its retired documents (their
   * last known Salesforce values and unwritten edits), pinned; undefined when it has none.
   */
  async materialize(key: DocKey, partition: FieldGroupRecord): Promise<HotDoc | undefined> {
    const retired = await this.of(key.name)
    if (retired.length === 0 || !this.#locks) return this.#materialize(partition, retired)
    for (const r of retired) this.#hub.release(r)
    // Another relay may be creating it from them now: one at a time, each from the store's state.
    return this.#exclusive(key.name, async () =>
      this.#materialize(partition, await this.of(key.name)),
    )
  }

  async #materialize(partition: FieldGroupRecord, retired: HotDoc[]): Promise<HotDoc | undefined> {
    try {
      if (retired.length === 0) return undefined
      const [target] = await this.#targets(retired[0] as HotDoc, [partition])
      for (const r of retired) {
        if (!target) break
        const f = target.doc.forwardFrom(r.doc)
        r.doc.settleForwarded(f)
      }
      await this.#hub.flush()
      return target
    } finally {
      for (const r of retired) this.#hub.release(r)
    }
  }

  /** Forwards every retired document with unwritten edits (on start, after a layout change). */
  async sweep(sobject?: string): Promise<void> {
    for (const p of await this.#hub.listPending(sobject ? { sobject } : {})) {
      if (await this.#layouts.isCurrent(p.sobject, p.group)) continue
      const key = { name: p.name, group: p.group }
      const r = (await this.#hub.acquire([key])).get(docKeyString(key))
      if (!r) continue
      try {
        await this.forward(r)
      } finally {
        this.#hub.release(r)
      }
    }
  }

  /** Runs `fn` holding the forwarding lease of `record` (waiting for another relay's). */
  async #exclusive<T>(record: string, fn: () => Promise<T>): Promise<T> {
    const locks = this.#locks as CreationLocks
    const lease = [{ name: record, group: '' }]
    await locks.take(lease)
    try {
      return await fn()
    } finally {
      await locks.release(lease)
    }
  }

  /** The current documents of `partitions` for a retired document's record, pinned. */
  async #targets(retired: HotDoc, partitions: readonly FieldGroupRecord[]): Promise<HotDoc[]> {
    const keys = partitions.map((p): DocKey => ({ name: retired.key.name, group: p.id }))
    const existing = await this.#hub.acquire(keys)
    return partitions.map((p, i) => {
      const key = keys[i] as DocKey
      const known = existing.get(docKeyString(key))
      if (known) return known
      const owner = retired.meta?.owner ?? retired.owner
      const created = this.#hub.create(key, p, owner)
      const info = serverInfoOf(retired.doc)
      if (info) {
        const values: Record<string, unknown> = {}
        for (const f of Object.keys(p.schema.fields)) {
          const v = retired.doc.shadow(f)
          if (v !== undefined) values[f] = v
        }
        created.doc.applyServerRecord(values, info)
      }
      return created
    })
  }
}

/** Records whose retired documents one query lists. */
const LIST_NAMES = 500

/** The Yjs clients of a device's state vector (raw Yjs) of which `doc` holds less. */
function unknownClients(doc: Y.Doc, stateVector: Uint8Array): number[] {
  const out: number[] = []
  for (const [client, clock] of Y.decodeStateVector(stateVector))
    if (Y.getState(doc.store, client) < clock) out.push(client)
  return out
}

/** True when a document has edits Salesforce lacks (a retired one's are to be forwarded). */
function hasEdits(hot: HotDoc): boolean {
  const pending = hot.doc.pending()
  return pending !== null && pending !== undefined && pending.operation !== null
}

/** What a document knows of its record's version in Salesforce; undefined before it has an Id. */
function serverInfoOf(doc: RecordDocument): ServerInfo | undefined {
  const get = (k: string): string | undefined => {
    const v = doc.engineDoc.get(MapRoot.server, k)
    return typeof v === 'string' ? v : undefined
  }
  const id = doc.salesforceId()
  const lastModifiedDate = get('lastModifiedDate')
  const lastModifiedById = get('lastModifiedById')
  if (!id || !isSalesforceId(id) || !lastModifiedDate || !lastModifiedById) return undefined
  return {
    salesforceId: id,
    lastModifiedDate,
    systemModstamp: get('systemModstamp') ?? lastModifiedDate,
    lastModifiedById,
  }
}
