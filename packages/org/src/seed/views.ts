import type { Random } from '../prng.js'
import type { OrgState } from '../state.js'
import { objectNamed } from './records.js'
import { SEEDED_USERS } from './users.js'

const MINUTE = 60_000

/** Per-user recent-view history over every object type with records (at least six). */
export function seedViews(state: OrgState, rng: Random, now: number): void {
  const perObject: Record<string, number> = {
    Account: 12,
    Contact: 10,
    Opportunity: 8,
    Case: 6,
    Lead: 5,
    Task: 5,
    Event: 3,
    Site_Visit__c: 6,
    Dashboard: 4,
  }
  for (const user of SEEDED_USERS) {
    for (const [name, n] of Object.entries(perObject)) {
      const o = objectNamed(state, name)
      const candidates = [...state.store.all(o.name)].filter(
        (r) =>
          r.IsDeleted !== true &&
          (!o.owned || o.sharing !== 'Private' || r.OwnerId === user.id || user.managerId === null),
      )
      const mineFirst = candidates.filter((r) => !o.owned || r.OwnerId === user.id)
      const pool = mineFirst.length >= n ? mineFirst : candidates
      for (let k = 0; k < n && pool.length > 0; k++) {
        const r = pool.splice(rng.int(0, pool.length - 1), 1)[0]
        if (!r) continue
        const at = Math.floor((now - rng.int(5, 14 * 1440) * MINUTE) / 1000) * 1000
        state.store.mark(user.id, String(r.Id), 'viewed', at)
        state.store.mark(user.id, String(r.Id), 'referenced', at)
      }
    }
  }
}
