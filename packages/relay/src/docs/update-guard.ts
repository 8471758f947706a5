import { RelayErrorCode } from '@briefcase/protocol'
import type { DecodedYjsUpdate, FieldSchema, ObjectSchema } from '@briefcase/record'
import {
  FieldType,
  MapRoot,
  checkValue,
  hlcDevice,
  isDraftKey,
  isHlcString,
  isTextField,
} from '@briefcase/record'
import * as Y from 'yjs'
import { RelayError } from '../errors.js'
import { checkAuthorEntry, checkClaim, checkStamp } from './identity-guard.js'

/** The owner of a Yjs client's content that is not a device: the relay itself. */
export const RELAY_OWNER = '#relay'

/** Who sends an update, and what the document lets them touch. */
export interface GuardContext {
  /** `<SObject>/<key>`. */
  docName: string
  /** The draft key, when the document is a draft. */
  draftKey: string | null
  user: string
  device: string
  /** The group's schema: the fields the user may read. */
  schema: ObjectSchema
  /** True when the user may write `field` (createable for a draft, else updateable). */
  editable: (field: string) => boolean
  /** True when the user may delete the record. */
  canDelete: boolean
  /** True when the document is a draft the relay has no content for yet: the sender creates it. */
  creatingDraft: boolean
  /**
   * Called for every lookup value naming a Salesforce record (not a draft) while the sender
   * creates the record: throws when the user may not create under that parent.
   */
  parent?: (field: FieldSchema, id: string) => void
  /** The owner (device id or {@link RELAY_OWNER}) of a Yjs client's existing content. */
  ownerOf: (client: number) => string | undefined
}

/** Where an item sits: its root and, in a map, its key. */
interface Place {
  root: string
  key: string | null
}

const DISCARDED = 'discarded' as const
const TEXT_PREFIX = 't:'
const ENTRY_KEY = /^(.+)@(.+)$/

function forbidden(message: string): never {
  throw new RelayError(RelayErrorCode.forbidden, `Refused update: ${message}`)
}

/** The root name of a type in `doc` (record documents only hold root types). */
function rootNameOf(doc: Y.Doc, type: unknown): string | undefined {
  for (const [name, shared] of doc.share) if (shared === type) return name
  return undefined
}

/** The first struct of the relay's store covering `clock` of `client`, or undefined. */
function relayStruct(doc: Y.Doc, client: number, clock: number): Y.Item | Y.GC | undefined {
  const structs = doc.store.clients.get(client)
  if (!structs || clock >= Y.getState(doc.store, client)) return undefined
  return structs[Y.findIndexSS(structs, clock)]
}

/** A function resolving where any item of the update, or of the relay's document, sits. */
function placeResolver(
  doc: Y.Doc,
  items: Map<number, Y.Item[]>,
): (id: Y.ID) => Place | typeof DISCARDED | undefined {
  const memo = new Map<Y.Item, Place | typeof DISCARDED | undefined>()
  const inUpdate = (id: Y.ID): Y.Item | undefined =>
    items.get(id.client)?.find((i) => i.id.clock <= id.clock && id.clock < i.id.clock + i.length)

  const ofUpdateItem = (item: Y.Item, depth: number): Place | typeof DISCARDED | undefined => {
    if (memo.has(item)) return memo.get(item)
    let place: Place | typeof DISCARDED | undefined
    const parent: unknown = item.parent
    if (typeof parent === 'string') place = { root: parent, key: item.parentSub }
    else if (depth > 10_000) place = undefined
    else {
      const via = item.origin ?? item.rightOrigin
      place = via ? resolve(via, depth + 1) : undefined
    }
    memo.set(item, place)
    return place
  }

  const resolve = (id: Y.ID, depth = 0): Place | typeof DISCARDED | undefined => {
    const own = inUpdate(id)
    if (own) return ofUpdateItem(own, depth)
    const struct = relayStruct(doc, id.client, id.clock)
    if (!struct) return undefined
    if (!(struct instanceof Y.Item)) return DISCARDED
    const root = rootNameOf(doc, struct.parent)
    return root === undefined ? undefined : { root, key: struct.parentSub }
  }

  return (id) => resolve(id)
}

/** The place of an update item: its own parent, or its origin's. */
function placeOfItem(
  item: Y.Item,
  resolve: (id: Y.ID) => Place | typeof DISCARDED | undefined,
): Place | typeof DISCARDED | undefined {
  const parent: unknown = item.parent
  if (typeof parent === 'string') return { root: parent, key: item.parentSub }
  const via = item.origin ?? item.rightOrigin
  return via ? resolve(via) : undefined
}

function valueOf(item: Y.Item): { value: unknown } | undefined {
  const content = item.content
  if (content instanceof Y.ContentAny && content.arr.length === 1) return { value: content.arr[0] }
  return undefined
}

function stampDevice(stamp: string): string | undefined {
  return isHlcString(stamp) ? hlcDevice(stamp) : undefined
}

/** The field schema an entry key names, after checking the stamp is the sender's. */
function entryField(ctx: GuardContext, key: string | null): FieldSchema {
  const m = key === null ? null : ENTRY_KEY.exec(key)
  if (!m) forbidden(`"${key}" is not a field edit key.`)
  const [, field = '', stamp = ''] = m
  checkStamp(ctx, stamp, `the edit ${key}`)
  const f = Object.hasOwn(ctx.schema.fields, field) ? ctx.schema.fields[field] : undefined
  if (!f) {
    throw new RelayError(
      RelayErrorCode.unknownField,
      `Refused update: ${ctx.schema.name} has no field ${field} you may read.`,
    )
  }
  if (!ctx.editable(field)) forbidden(`you may not edit ${ctx.schema.name}.${field}.`)
  return f
}

function checkEntryValue(f: FieldSchema, value: unknown): void {
  if (isTextField(f)) {
    if (value !== true) forbidden(`a long-text edit of ${f.name} must be marked true.`)
    return
  }
  try {
    checkValue(f, value)
  } catch (cause) {
    throw new RelayError(
      RelayErrorCode.malformedUpdate,
      `Refused update: a value of ${f.name} does not fit its type.`,
      { cause },
    )
  }
}

function checkMeta(ctx: GuardContext, key: string | null, value: unknown): void {
  if (!ctx.creatingDraft) forbidden('only the device creating a draft writes its metadata.')
  if (key === 'created') {
    checkClaim(ctx, value, 'meta.created')
    return
  }
  const ok =
    (key === 'name' && value === ctx.docName) ||
    (key === 'engine' && value === 'yjs') ||
    (key === 'draftKey' && value === ctx.draftKey)
  if (!ok) forbidden(`meta.${key} does not describe this draft.`)
}

/** Checks one new item of the update (value `undefined`: a deleted item, key rules only). */
function checkItem(ctx: GuardContext, place: Place, item: Y.Item): void {
  const v = valueOf(item)
  const deleted = item.content instanceof Y.ContentDeleted
  if (!deleted && !v && !place.root.startsWith(TEXT_PREFIX)) {
    forbidden(`root "${place.root}" holds single JSON values only.`)
  }
  switch (place.root) {
    case MapRoot.entries: {
      const f = entryField(ctx, place.key)
      if (v) checkEntryValue(f, v.value)
      if (v && f.type === FieldType.reference && typeof v.value === 'string') {
        if (!isDraftKey(v.value)) ctx.parent?.(f, v.value)
      }
      return
    }
    case MapRoot.authors:
      checkAuthorEntry(ctx, place.key, v?.value)
      return
    case MapRoot.deletes: {
      checkStamp(ctx, place.key ?? '', 'a delete')
      if (!ctx.canDelete) forbidden(`you may not delete ${ctx.docName}.`)
      if (v) checkClaim(ctx, v.value, 'a delete')
      return
    }
    case MapRoot.meta:
      checkMeta(ctx, place.key, v?.value)
      return
    case MapRoot.bases: {
      // The loaded text a device keeps when it first edits it: a string, for a text it may edit.
      const field = place.key ?? ''
      const f = ctx.schema.fields[field]
      if (!f || !isTextField(f)) forbidden(`unknown long-text field ${field}.`)
      if (!ctx.editable(field)) forbidden(`you may not edit ${ctx.schema.name}.${field}.`)
      if (v && typeof v.value !== 'string') forbidden(`bases.${field} holds text only.`)
      return
    }
    default:
      if (place.root.startsWith(TEXT_PREFIX)) {
        const field = place.root.slice(TEXT_PREFIX.length)
        if (!Object.hasOwn(ctx.schema.fields, field)) forbidden(`unknown long-text field ${field}.`)
        if (!ctx.editable(field)) forbidden(`you may not edit ${ctx.schema.name}.${field}.`)
        return
      }
      forbidden(`devices may not write "${place.root}".`)
  }
}

/** Checks that deleting an existing item of the relay's document is the sender's to do. */
function checkDeletion(ctx: GuardContext, place: Place): void {
  if (place.root === MapRoot.entries) {
    const m = place.key === null ? null : ENTRY_KEY.exec(place.key)
    if (m && stampDevice(m[2] ?? '') === ctx.device) return
    forbidden(`device ${ctx.device} may not delete the edit ${place.key}.`)
  }
  if (place.root === MapRoot.authors && place.key === ctx.device) return
  if (place.root.startsWith(TEXT_PREFIX)) {
    const field = place.root.slice(TEXT_PREFIX.length)
    if (ctx.editable(field)) return
    forbidden(`you may not edit ${ctx.schema.name}.${field}.`)
  }
  forbidden(`devices may not delete from "${place.root}".`)
}

/**
 * Checks that a device's Yjs update only touches what a device may: its own field edits (of
 * fields the user may read and edit, with values of the field's type), its own author entry, its
 * own deletes, long text (with the loaded text it keeps in `bases`), and a draft's metadata when
 * it creates the draft. Never the shadow, stamps, server info, sync status or resolutions, nor
 * another device's edits; deletions only of its own edits and of text; new content only under Yjs clients that are new or its own. Run
 * `YjsEngineDoc.check` first (the structural check); this one resolves every item's place
 * through its parent or origin, in the update or in `doc`. Throws a {@link RelayError}
 * (`BRIEFCASE_FORBIDDEN`, `BRIEFCASE_UNKNOWN_FIELD`, `BRIEFCASE_MALFORMED_UPDATE`).
 * Returns the Yjs clients whose new content the update brings.
 */
export function guardYjsUpdate(doc: Y.Doc, update: Uint8Array, ctx: GuardContext): Set<number> {
  return guardDecodedUpdate(doc, Y.decodeUpdate(update), ctx)
}

/** {@link guardYjsUpdate} of an update already decoded (`decodeYjsUpdate`: decoded once). */
export function guardDecodedUpdate(
  doc: Y.Doc,
  decoded: DecodedYjsUpdate,
  ctx: GuardContext,
): Set<number> {
  const items = new Map<number, Y.Item[]>()
  const newUntil = new Map<number, number>()
  const clients = new Set<number>()
  const expected = new Map<number, number>()
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) continue
    const { client, clock } = struct.id
    const end = clock + struct.length
    const next = expected.get(client) ?? Y.getState(doc.store, client)
    if (clock > next) forbidden('the update skips content the relay does not have.')
    expected.set(client, Math.max(next, end))
    if (end <= Y.getState(doc.store, client)) continue
    const owner = ctx.ownerOf(client)
    if (owner !== undefined && owner !== ctx.device) {
      forbidden(
        `Yjs client ${client} belongs to ${owner === RELAY_OWNER ? 'the relay' : 'another device'}.`,
      )
    }
    clients.add(client)
    newUntil.set(client, Math.max(newUntil.get(client) ?? 0, end))
    if (struct instanceof Y.Item) {
      const list = items.get(client)
      if (list) list.push(struct)
      else items.set(client, [struct])
    }
  }
  const resolve = placeResolver(doc, items)
  for (const list of items.values()) {
    for (const item of list) {
      const place = placeOfItem(item, resolve)
      if (place === DISCARDED) continue
      if (!place) forbidden('an item refers to content the relay does not have.')
      checkItem(ctx, place, item)
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    const known = Y.getState(doc.store, client)
    for (const { clock, len } of ranges) {
      const end = clock + len
      if (end > known && end > (newUntil.get(client) ?? known)) {
        forbidden('a deletion refers to content the relay does not have.')
      }
      for (let at = clock; at < Math.min(end, known);) {
        const struct = relayStruct(doc, client, at)
        if (!struct) break
        at = struct.id.clock + struct.length
        if (!(struct instanceof Y.Item) || struct.deleted) continue
        const root = rootNameOf(doc, struct.parent)
        if (root === undefined) forbidden('a deletion refers to a nested type.')
        checkDeletion(ctx, { root, key: struct.parentSub })
      }
    }
  }
  return clients
}

/**
 * Who wrote a Yjs client's content in `doc`: the device its field edits, author entry or deletes
 * name, or the relay for the maps only the relay writes. Undefined when nothing tells.
 */
export function ownerOfClient(doc: Y.Doc, client: number): string | undefined {
  for (const struct of doc.store.clients.get(client) ?? []) {
    if (!(struct instanceof Y.Item)) continue
    const root = rootNameOf(doc, struct.parent)
    const key = struct.parentSub
    if (root === undefined || key === null) continue
    if (root === MapRoot.entries) {
      const device = stampDevice(ENTRY_KEY.exec(key)?.[2] ?? '')
      if (device !== undefined) return device.startsWith('sf-') ? RELAY_OWNER : device
    } else if (root === MapRoot.authors) return key
    else if (root === MapRoot.deletes) {
      const device = stampDevice(key)
      if (device !== undefined) return device.startsWith('sf-') ? RELAY_OWNER : device
    } else if (root !== MapRoot.meta && root !== MapRoot.bases) return RELAY_OWNER
  }
  return undefined
}
