import { describe, expect, it } from 'vitest'
import type { EngineView, Json, MapRoot } from './engine.js'
import { parseDocName } from './ids.js'
import { derivePendingChange } from './pending.js'
import type { ObjectSchema } from './schema.js'

const schema: ObjectSchema = {
  name: 'Account',
  fields: {
    Name: { name: 'Name', type: 'string' },
    AnnualRevenue: { name: 'AnnualRevenue', type: 'currency' },
  },
}

/** A view over plain maps whose entries iterate in the order given (as an engine's may). */
function viewOf(maps: Partial<Record<MapRoot, [string, Json][]>>): EngineView {
  return {
    get: (root, key) => maps[root]?.find(([k]) => k === key)?.[1],
    entries: (root) => maps[root] ?? [],
    text: () => '',
  }
}

describe('derivePendingChange', () => {
  it('lists beaten edits that share a stamp in one order, whatever order the maps iterate in', () => {
    // A draft's initial values share its creation stamp; a delete that never saw them beats them.
    const stamp = '0mjuohs000001phone'
    const entries: [string, Json][] = [
      [`Name@${stamp}`, 'Acme'],
      [`AnnualRevenue@${stamp}`, 10],
    ]
    const deletes: [string, Json][] = [['0mjuohs000002laptop', { user: 'u', seen: [] }]]
    const parts = parseDocName('Account/001000000000001AAA')
    const one = derivePendingChange(viewOf({ entries, deletes }), schema, parts)
    const other = derivePendingChange(
      viewOf({ entries: [...entries].reverse(), deletes }),
      schema,
      parts,
    )
    expect(one?.beaten.map((b) => b.field)).toEqual(['AnnualRevenue', 'Name'])
    expect(other).toEqual(one)
  })
})
