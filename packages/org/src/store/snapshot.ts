import type { Schema } from '../schema/registry.js'
import type { OrgSnapshot } from '../types.js'
import { apiValue } from './render.js'
import type { RecordStore } from './store.js'

/** Every record of every object as API JSON values (per-user fields left out), deleted ones included. */
export function snapshotOf(schema: Schema, store: RecordStore): OrgSnapshot {
  const out: OrgSnapshot = {}
  for (const o of schema.objects) {
    const fields = o.fields.filter((f) => !f.perUser)
    out[o.name] = [...store.all(o.name)].map((r) =>
      Object.fromEntries(fields.map((f) => [f.name, apiValue(f, r[f.name])])),
    )
  }
  return out
}
