import { DAY, startOfDay } from '../datetime.js'
import { createRandom } from '../prng.js'
import type { OrgState } from '../state.js'
import { seedData } from './demo-data.js'
import { insert, objectNamed as object } from './records.js'
import { PROFILE_IDS, SEEDED_USERS } from './users.js'

/** What to seed. */
export interface SeedOptions {
  /** PRNG seed of the demo data; `false` leaves only the users (default: the org's seed). */
  seed?: number | false
  /** Number of accounts (default 240); everything else scales with it. */
  accounts?: number
}

/** What a seed produced: live records per object. */
export interface SeedSummary {
  readonly seed: number | false
  readonly counts: Record<string, number>
}

function seedUsers(state: OrgState, now: number): void {
  const manager = SEEDED_USERS.find((u) => u.managerId === null)
  const by = manager?.id ?? ''
  const created = startOfDay(now) - 400 * DAY
  for (const [name, id] of Object.entries(PROFILE_IDS)) {
    insert(
      state,
      object(state, 'Profile'),
      { Name: name, Description: `${name} profile` },
      { createdAt: created, modifiedAt: created, by },
      id,
    )
  }
  for (const u of SEEDED_USERS) {
    insert(
      state,
      object(state, 'User'),
      {
        Username: u.username,
        FirstName: u.firstName,
        LastName: u.lastName,
        Alias: u.alias,
        Email: u.email,
        Title: u.title,
        TimeZoneSidKey: 'GMT',
        IsActive: true,
        ManagerId: u.managerId,
        ProfileId: u.profileId,
      },
      { createdAt: created, modifiedAt: created, by },
      u.id,
    )
    state.passwords.set(u.id, u.password)
  }
}

/** Seeds the org: profiles and users always; demo data and dashboards unless `seed` is false. */
export function seedOrg(
  state: OrgState,
  seed: number | false,
  options: { accounts?: number } = {},
): SeedSummary {
  state.store.clear()
  state.store.resetCounter()
  state.cursors.clear()
  state.passwords.clear()
  const now = state.clock.now()
  seedUsers(state, now)
  if (seed !== false) seedData(state, createRandom(seed), now, options.accounts ?? 240)
  state.changed()
  return { seed, counts: countRecords(state) }
}

/** Live records per object. */
export function countRecords(state: OrgState): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const o of state.schema.objects) {
    let n = 0
    for (const r of state.store.all(o.name)) if (r.IsDeleted !== true) n += 1
    counts[o.name] = n
  }
  return counts
}
