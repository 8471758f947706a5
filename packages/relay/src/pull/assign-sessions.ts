import type { TrackedDoc } from './ports.js'

/**
 * Which user's session reads which documents: per readability partition (so the values read
 * are what that group may see), the user holding the most of its documents first, then the
 * next for what is left, so that as few sessions as possible read everything. Users in
 * `exclude` (no session now) are passed over; documents only they hold are left out.
 *
 * @example
 * ```ts
 * assignSessions([{ ref, sobject: 'Account', salesforceId, users: ['005A', '005B'] }])
 * // Map { '005A' => [that doc] }
 * ```
 */
export function assignSessions(
  docs: readonly TrackedDoc[],
  exclude: ReadonlySet<string> = new Set(),
): Map<string, TrackedDoc[]> {
  const byGroup = new Map<string, TrackedDoc[]>()
  for (const d of docs) {
    const key = `${d.sobject}|${d.ref.group}`
    const list = byGroup.get(key)
    if (list) list.push(d)
    else byGroup.set(key, [d])
  }
  const out = new Map<string, TrackedDoc[]>()
  for (const list of byGroup.values()) {
    let left = list.filter((d) => d.users.some((u) => !exclude.has(u)))
    while (left.length > 0) {
      const counts = new Map<string, number>()
      for (const d of left) {
        for (const u of new Set(d.users))
          if (!exclude.has(u)) counts.set(u, (counts.get(u) ?? 0) + 1)
      }
      const [user] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? []
      if (user === undefined) break
      const mine = left.filter((d) => d.users.includes(user))
      out.set(user, [...(out.get(user) ?? []), ...mine])
      left = left.filter((d) => !d.users.includes(user))
    }
  }
  return out
}
