import { RelayErrorCode, parseSyncName } from '@briefcase/protocol'
import type { DocNameParts } from '@briefcase/record'
import { isDraftKey, parseDocName } from '@briefcase/record'
import type { Logger } from 'pino'
import { RelayError, toRelayError } from '../errors.js'
import type { ObjectView, ObjectViews } from '../salesforce/object-views.js'
import type { RecordAccess } from '../salesforce/record-access.js'
import { selectFields, serverInfoOf, serverValuesOf } from '../salesforce/server-record.js'
import { docKeyString } from '../store/relay-store.js'
import type { DocKey, DocMeta, FieldGroupRecord } from '../store/relay-store.js'
import type { DocHub } from './doc-hub.js'
import type { HotDoc } from './hot-doc.js'
import type { CreationLocks } from './creation-locks.js'
import type { ObjectLayouts } from './object-layouts.js'
import type { ObjectLayout } from './partitions.js'
import type { RetiredDocs } from './retired-docs.js'
import { sameStateVector } from './same-state-vector.js'

/** A document a user may sync, pinned in the hub (release it with `hub.release`). */
export interface ResolvedDoc {
  name: string
  ok: true
  hot: HotDoc
  view: ObjectView
  /** The record's partition this document holds (ADR 0005). */
  partition: FieldGroupRecord
  /** True when the document was created by this call (loaded from Salesforce or a new draft). */
  created: boolean
  /**
   * Writes the record as fetched from Salesforce into a new document; null when there is nothing
   * to write. Callers run it in their synchronous commit phase, so that a request's writes share
   * one transaction. Idempotent.
   */
  init: (() => void) | null
}

/** Options of {@link DocResolver.resolve}. */
export interface ResolveOptions {
  /**
   * True when a draft-key name the relay does not have (as asked: with its partition) may become
   * a new, empty draft owned by the user (a device is about to create it).
   */
  createDrafts: (name: string) => boolean
  /** A pass over many documents (bulk sync, cache plan): documents it loads are not kept hot. */
  transient?: boolean
}

/**
 * A document a device and the relay agree on (the device's state vector is the one stored
 * after the document's last commit, and the device has nothing to send), that the user may
 * still sync: nothing to load, nothing to send (see {@link DocResolver.resolveSync}).
 */
export interface AgreedDoc {
  name: string
  ok: true
  agreed: true
  /** The record's partition this document holds (ADR 0005). */
  partition: FieldGroupRecord
}

/** A document a user may not sync, and why. */
export interface RefusedDoc {
  name: string
  ok: false
  error: RelayError
}

/** Options of {@link DocResolver}. */
export interface DocResolverOptions {
  hub: DocHub
  views: ObjectViews
  access: RecordAccess
  layouts: ObjectLayouts
  retired: RetiredDocs
  logger: Logger
  /** Among relays sharing a store: one creates a document from Salesforce at a time. */
  creation?: CreationLocks
  /**
   * Where missing records are read from (default `access`, by Id); the relay passes its cache
   * fill streams, which give a large plan's records from one query.
   */
  records?: Pick<RecordAccess, 'fetch'>
}

interface Parsed {
  index: number
  /** The name as asked (with its partition). */
  asked: string
  parts: DocNameParts & { name: string }
  /** The partition asked for (null: the main one). */
  partition: string | null
}

interface Wanted extends Parsed {
  view: ObjectView
  partition: string | null
  group: FieldGroupRecord
  key: DocKey
}

/**
 * Turns the document names a device asks for into documents the user may sync: checks each
 * name, the user's view of its object (which selects the readability partitions they read,
 * ADR 0005) and the user's access in Salesforce, opens existing documents, loads missing records from Salesforce (one
 * query per object per 200 Ids) and creates new drafts. Per-document refusals are data.
 */
export class DocResolver {
  readonly #hub: DocHub
  readonly #views: ObjectViews
  readonly #access: RecordAccess
  readonly #layouts: ObjectLayouts
  readonly #retired: RetiredDocs
  readonly #logger: Logger
  readonly #creation: CreationLocks | undefined
  readonly #records: Pick<RecordAccess, 'fetch'>

  constructor(options: DocResolverOptions) {
    this.#creation = options.creation
    this.#records = options.records ?? options.access
    this.#hub = options.hub
    this.#views = options.views
    this.#access = options.access
    this.#layouts = options.layouts
    this.#retired = options.retired
    this.#logger = options.logger
  }

  /**
   * Resolves `names` for `userId`, in order. `createDrafts(name)`: true when a draft-key name the
   * relay does not have may become a new, empty draft owned by the user (a device is about to
   * create it).
   */
  async resolve(
    userId: string,
    names: readonly string[],
    options: ResolveOptions,
  ): Promise<(ResolvedDoc | RefusedDoc)[]> {
    return (await this.#resolve(userId, names, options, [])) as (ResolvedDoc | RefusedDoc)[]
  }

  /**
   * {@link resolve} for a sync: `vectors[i]` is the raw state vector of a device that sends
   * nothing for `names[i]` (else undefined). Such a document that is not in memory, that the
   * user already holds, and whose stored state vector is the device's, is not loaded: once the
   * user's access to it is checked as for any other (their view, its partition, and Salesforce
   * for a record or another user's draft), it is answered as an {@link AgreedDoc}.
   */
  async resolveSync(
    userId: string,
    names: readonly string[],
    options: ResolveOptions,
    vectors: readonly (Uint8Array | undefined)[],
  ): Promise<(ResolvedDoc | AgreedDoc | RefusedDoc)[]> {
    return this.#resolve(userId, names, options, vectors)
  }

  async #resolve(
    userId: string,
    names: readonly string[],
    options: ResolveOptions,
    vectors: readonly (Uint8Array | undefined)[],
  ): Promise<(ResolvedDoc | AgreedDoc | RefusedDoc)[]> {
    const results: Result[] = names.map(() => undefined)
    const refuse = (i: number, error: unknown): void => {
      results[i] = { name: names[i] as string, ok: false, error: toRelayError(error) }
    }
    const parsed: Parsed[] = []
    names.forEach((name, index) => {
      try {
        const { record, partition } = parseSyncName(name)
        parsed.push({ index, asked: name, parts: parseDocName(record), partition })
      } catch (error) {
        refuse(index, error)
      }
    })
    const views = new Map<string, Promise<ObjectView>>()
    for (const p of parsed) {
      if (!views.has(p.parts.sobject))
        views.set(p.parts.sobject, this.#views.viewFor(userId, p.parts.sobject))
    }
    // One layout per object and call (among relays, each look reads the store's views).
    const layouts = new Map<string, Promise<ObjectLayout>>()
    const layoutOf = (view: ObjectView): Promise<ObjectLayout> => {
      const known = layouts.get(view.sobject)
      if (known) return known
      const layout = this.#layouts.forView(view.group)
      layouts.set(view.sobject, layout)
      return layout
    }
    const wanted: Wanted[] = []
    for (const p of parsed) {
      try {
        const view = await (views.get(p.parts.sobject) as Promise<ObjectView>)
        const group = this.#partition(await layoutOf(view), view, p.partition)
        wanted.push({ ...p, view, group, key: { name: p.parts.name, group: group.id } })
      } catch (error) {
        refuse(p.index, error)
      }
    }
    const transient = { transient: options.transient === true }
    const agreed = await this.#agreed(userId, wanted, vectors)
    const hot = await this.#hub.acquire(
      wanted.filter((w) => !agreed.has(w.index)).map((w) => w.key),
      transient,
    )
    // A current document the relay lacks, of a record it holds in a retired layout, is created
    // from the retired documents (their edits are forwarded into it), not loaded afresh.
    for (const w of wanted) {
      const k = docKeyString(w.key)
      if (hot.has(k) || agreed.has(w.index)) continue
      const made = await this.#retired.materialize(w.key, w.group).catch((error: unknown) => {
        refuse(w.index, error)
        return undefined
      })
      if (made) hot.set(k, made)
    }
    const bySobject = new Map<string, Wanted[]>()
    for (const w of wanted) {
      if (results[w.index] !== undefined) continue
      const list = bySobject.get(w.view.sobject)
      if (list) list.push(w)
      else bySobject.set(w.view.sobject, [w])
    }
    // Answers carry the name as asked (with its partition).
    const asked = (i: number): string => names[i] as string
    await Promise.all(
      [...bySobject.values()].map((list) =>
        this.#resolveObject(userId, list, hot, agreed, options, results).catch((error: unknown) => {
          for (const w of list) {
            if (results[w.index] !== undefined) continue
            refuse(w.index, error)
            const h = hot.get(docKeyString(w.key))
            if (h) this.#hub.release(h)
          }
        }),
      ),
    )
    return results.map((r, i) =>
      r ? { ...r, name: asked(i) } : { name: asked(i), ok: false, error: internal() },
    )
  }

  /**
   * The stored metadata of the documents of `wanted` a device and the relay agree on (by index):
   * a device's vector equal to the one stored after the last commit, a document not in memory
   * (it may hold changes not committed yet), already held by the user, and with what the access
   * check needs (a record's Salesforce Id, or a draft's owner).
   */
  async #agreed(
    userId: string,
    wanted: readonly Wanted[],
    vectors: readonly (Uint8Array | undefined)[],
  ): Promise<Map<number, DocMeta>> {
    const out = new Map<number, DocMeta>()
    const candidates = wanted.filter(
      (w) => vectors[w.index] !== undefined && !this.#hub.isHot(w.key),
    )
    if (candidates.length === 0) return out
    const digests = await this.#hub.store.docDigests(
      candidates.map((w) => w.key),
      userId,
    )
    for (const w of candidates) {
      const d = digests.get(docKeyString(w.key))
      if (!d?.held || !d.stateVector) continue
      if (!isDraftKey(w.parts.key) && d.meta.salesforceId === null) continue
      if (sameStateVector(d.stateVector, vectors[w.index] as Uint8Array)) out.set(w.index, d.meta)
    }
    return out
  }

  /** The partition of `view`'s object a name asks for, if the user reads it. */
  #partition(layout: ObjectLayout, view: ObjectView, id: string | null): FieldGroupRecord {
    if (id === null) return layout.main
    const own = layout.readBy(view.group).find((p) => p.id === id)
    if (own) return own
    if (layout.partitions.some((p) => p.id === id)) {
      throw new RelayError(
        RelayErrorCode.forbidden,
        'You may not read the fields of this document.',
      )
    }
    throw new RelayError(
      RelayErrorCode.documentMoved,
      'The fields of this document are now kept in other documents: fetch the schema again.',
    )
  }

  async #resolveObject(
    userId: string,
    list: Wanted[],
    hot: Map<string, HotDoc>,
    agreed: ReadonlyMap<number, DocMeta>,
    options: ResolveOptions,
    results: Result[],
  ): Promise<void> {
    const ok = (w: Wanted, h: HotDoc, created: boolean, init: (() => void) | null = null): void => {
      results[w.index] = {
        name: w.parts.name,
        ok: true,
        hot: h,
        view: w.view,
        partition: w.group,
        created,
        init,
      }
    }
    const no = (w: Wanted, code: RelayErrorCode, message: string): void => {
      const h = hot.get(docKeyString(w.key))
      if (h) this.#hub.release(h)
      results[w.index] = { name: w.parts.name, ok: false, error: new RelayError(code, message) }
    }
    const check = new Map<string, Wanted[]>()
    const load: Wanted[] = []
    /** The Salesforce Id to load a document from, where its name holds a draft key. */
    const loadIds = new Map<Wanted, string>()
    const idOf = (w: Wanted): string => loadIds.get(w) ?? w.parts.key
    const addCheck = (id: string, w: Wanted): void => {
      const l = check.get(id)
      if (l) l.push(w)
      else check.set(id, [w])
    }
    const same = (w: Wanted): void => {
      results[w.index] = { name: w.parts.name, ok: true, agreed: true, partition: w.group }
    }
    for (const w of list) {
      const meta = agreed.get(w.index)
      if (meta) {
        // The checks below, on the stored metadata instead of the document.
        const draft = isDraftKey(w.parts.key)
        if (draft && meta.owner === userId) same(w)
        else if (meta.salesforceId !== null) addCheck(draft ? meta.salesforceId : w.parts.key, w)
        else no(w, RelayErrorCode.forbidden, `${w.parts.name} is another user's draft.`)
        continue
      }
      const h = hot.get(docKeyString(w.key))
      if (isDraftKey(w.parts.key)) {
        if (!h) {
          const elsewhere = await this.#hub.store.listDocs({ name: w.parts.name })
          const own = elsewhere.every((m) => m.owner === userId)
          const creating = options.createDrafts(w.asked)
          if (creating && own) {
            ok(w, this.#hub.create(w.key, w.group, userId), true)
            continue
          }
          // A record created from a draft keeps its name: a partition document of it the relay
          // lacks (another user's draft, now in Salesforce) is loaded from Salesforce.
          const id = elsewhere.find((m) => m.salesforceId !== null)?.salesforceId
          if (id) {
            loadIds.set(w, id)
            load.push(w)
          } else if (creating) {
            no(w, RelayErrorCode.forbidden, `${w.parts.name} is another user's draft.`)
          } else no(w, RelayErrorCode.notFound, `${w.parts.name} does not exist.`)
          continue
        }
        const owner = h.meta?.owner ?? h.owner
        const id = h.doc.salesforceId()
        if (owner === userId) ok(w, h, false)
        else if (id) addCheck(id, w)
        else no(w, RelayErrorCode.forbidden, `${w.parts.name} is another user's draft.`)
      } else if (h && h.doc.salesforceId() !== null) addCheck(w.parts.key, w)
      else load.push(w)
    }
    const sobject = list[0]?.view.sobject ?? ''
    if (check.size > 0) {
      const readable = await this.#access.readable(userId, sobject, [...check.keys()])
      for (const [id, ws] of check) {
        for (const w of ws) {
          const h = hot.get(docKeyString(w.key)) as HotDoc
          if (readable.has(id)) {
            if (agreed.has(w.index)) same(w)
            else ok(w, h, false)
          } else
            no(
              w,
              RelayErrorCode.forbidden,
              `You may not read ${w.parts.name}, or it no longer exists.`,
            )
        }
      }
    }
    if (load.length > 0 && this.#creation) {
      // Another relay may be creating these now: wait for it, then take what it committed.
      const keys = load.filter((w) => !hot.has(docKeyString(w.key))).map((w) => w.key)
      await this.#creation.take(keys)
      for (const [k, h] of await this.#hub.acquire(keys)) hot.set(k, h)
      await this.#creation.release(keys.filter((k) => hot.has(docKeyString(k))))
    }
    if (load.length > 0) {
      const fields = selectFields([
        ...new Set(load.flatMap((w) => Object.keys(w.group.schema.fields))),
      ])
      const records = await this.#records.fetch(userId, sobject, fields, load.map(idOf))
      for (const w of load) {
        const record = records.get(idOf(w))
        const info = record ? serverInfoOf(record) : undefined
        if (!record || !info) {
          no(w, RelayErrorCode.forbidden, `You may not read ${w.parts.name}, or it does not exist.`)
          continue
        }
        const existing = hot.get(docKeyString(w.key))
        const h =
          existing ??
          this.#hub.create(w.key, w.group, null, { transient: options.transient === true })
        const values = partitionValues(serverValuesOf(record), w.group)
        const creation = existing ? undefined : this.#creation
        ok(w, h, true, () => {
          if (h.doc.salesforceId() === null) h.doc.applyServerRecord(values, info)
          // The creation lease goes once the first state is committed.
          if (creation)
            void this.#hub
              .flush('written')
              .catch(() => undefined)
              .then(() => creation.release([w.key]))
        })
      }
    }
    this.#logger.debug(
      { user: userId, sobject, docs: list.length, loaded: load.length },
      'resolved documents',
    )
  }
}

type Result = ResolvedDoc | AgreedDoc | RefusedDoc | undefined

/** The values of a partition's fields. */
function partitionValues(
  values: Record<string, unknown>,
  partition: FieldGroupRecord,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([f]) => Object.hasOwn(partition.schema.fields, f)),
  )
}

function internal(): RelayError {
  return new RelayError(RelayErrorCode.internal, 'The document could not be resolved.')
}
