import { field as makeField } from '../schema/fields.js'
import type { FieldDef, ObjectDef, StoredRecord, StoredValue } from '../schema/types.js'
import { recordAccess } from '../security/access.js'
import { canSeeField, fieldValue } from '../store/render.js'
import type { RequestContext } from '../state.js'
import type { FieldRef } from './ast.js'
import { soqlError } from './errors.js'

/** One relationship traversed by a path (`Account` in `Account.Name`). */
export interface Hop {
  readonly field: FieldDef
  readonly name: string
  /** The target object, or null for a polymorphic lookup (resolved per record). */
  readonly target: ObjectDef | null
}

/** A field path checked against the schema and field-level security. */
export interface ResolvedPath {
  readonly pos: number
  readonly hops: readonly Hop[]
  readonly field: FieldDef
  /** Canonical dotted path (`Account.Name`). */
  readonly key: string
}

const POLY_FIELDS: ReadonlyMap<string, FieldDef> = new Map([
  ['id', makeField('Id', 'Id', 'id')],
  ['name', makeField('Name', 'Name', 'string')],
  ['type', makeField('Type', 'Type', 'string')],
])

function noSuchColumn(soql: string, pos: number, name: string, object: string): never {
  throw soqlError(
    'INVALID_FIELD',
    soql,
    pos,
    `No such column '${name}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  )
}

/** Resolves a field path from `root`; unknown or hidden fields answer INVALID_FIELD. */
export function resolvePath(
  ctx: RequestContext,
  root: ObjectDef,
  ref: FieldRef,
  soql: string,
): ResolvedPath {
  const { schema } = ctx.state
  let path = [...ref.path]
  const head = path[0]
  if (
    path.length > 1 &&
    head?.toLowerCase() === root.name.toLowerCase() &&
    !schema.relationship(root, head)
  ) {
    path = path.slice(1)
  }
  const hops: Hop[] = []
  let object: ObjectDef | null = root
  for (const seg of path.slice(0, -1)) {
    const rel: FieldDef | undefined = object ? schema.relationship(object, seg) : undefined
    if (!object || !rel || !canSeeField(ctx.caller, object, rel)) {
      throw soqlError(
        'INVALID_FIELD',
        soql,
        ref.pos,
        `Didn't understand relationship '${seg}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      )
    }
    const only: string | undefined = rel.referenceTo.length === 1 ? rel.referenceTo[0] : undefined
    const target: ObjectDef | null = only === undefined ? null : (schema.object(only) ?? null)
    hops.push({ field: rel, name: rel.relationshipName ?? seg, target })
    object = target
  }
  const last = path.at(-1) ?? ''
  let field: FieldDef | undefined
  if (object === null) {
    field = POLY_FIELDS.get(last.toLowerCase())
    if (!field) noSuchColumn(soql, ref.pos, last, 'Name')
  } else {
    field = schema.field(object, last)
    if (!field || !canSeeField(ctx.caller, object, field))
      noSuchColumn(soql, ref.pos, last, object.name)
  }
  return { pos: ref.pos, hops, field, key: [...hops.map((h) => h.name), field.name].join('.') }
}

/** The records along a path's hops (null once a lookup is empty, deleted or invisible). */
export function walk(
  ctx: RequestContext,
  record: Readonly<StoredRecord>,
  hops: readonly Hop[],
): Array<{ object: ObjectDef; record: Readonly<StoredRecord> } | null> {
  const out: Array<{ object: ObjectDef; record: Readonly<StoredRecord> } | null> = []
  let current: Readonly<StoredRecord> | null = record
  for (const hop of hops) {
    const id: StoredValue | undefined = current?.[hop.field.name]
    let next: { object: ObjectDef; record: Readonly<StoredRecord> } | null = null
    if (typeof id === 'string') {
      const target: ObjectDef | null =
        hop.target ?? ctx.state.schema.byPrefix(id.slice(0, 3)) ?? null
      const found: Readonly<StoredRecord> | undefined = target
        ? ctx.state.store.peek(target.name, id)
        : undefined
      if (target && found && found.IsDeleted !== true) {
        if (recordAccess(ctx.state.store, ctx.caller, target, found) !== 'none') {
          next = { object: target, record: found }
        }
      }
    }
    out.push(next)
    current = next?.record ?? null
  }
  return out
}

/** The value of a resolved path on a record (null when a lookup on the way is empty). */
export function valueOf(
  ctx: RequestContext,
  record: Readonly<StoredRecord>,
  path: ResolvedPath,
): StoredValue {
  if (path.hops.length === 0) return fieldValue(ctx, path.field, record)
  const last = walk(ctx, record, path.hops).at(-1)
  if (!last) return null
  const hop = path.hops.at(-1)
  if (hop && hop.target === null) {
    if (path.field.name === 'Type') return last.object.name
    if (path.field.name === 'Name') return last.record[last.object.nameField] ?? null
    return last.record.Id ?? null
  }
  return fieldValue(ctx, path.field, last.record)
}
