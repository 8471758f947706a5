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
    const { sobject } = parseDocName(record)
    const layout = await this.#layouts.current(sobject)
    if (layout.views === 0) return []
    const metas = await this.#hub.store.listDocs({ name: record })
    const keys = metas
      .filter((m) => !layout.partitions.some((p) => p.id === m.group))
      .map((m): DocKey => ({ name: m.name, group: m.group }))
    return keys.length === 0 ? [] : [...(await this.#hub.acquire(keys)).values()]
  }

  /**
   * The retired document a device's replica of `current` descends from, pinned, if any: one that
   * has Yjs clients the device has and `current` lacks. `stateVector` is the device's (raw Yjs).
   */
  async lineageOf(current: HotDoc, stateVector: Uint8Array): Promise<HotDoc | undefined> {
    const relay = Y.decodeStateVector(Y.encodeStateVector(this.#hub.ydocOf(current)))
    const unknown = [...Y.decodeStateVector(stateVector)]
      .filter(([client, clock]) => (relay.get(client) ?? 0) < clock)
      .map(([client]) => client)
    if (unknown.length === 0) return undefined
    let found: HotDoc | undefined
    for (const r of await this.of(current.key.name)) {
      const known = Y.decodeStateVector(Y.encodeStateVector(this.#hub.ydocOf(r)))
      if (!found && unknown.some((c) => (known.get(c) ?? 0) > 0)) found = r
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
