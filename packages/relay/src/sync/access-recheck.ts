import type { RecordAccess } from '../salesforce/record-access.js'
import type { RecordRights } from '../salesforce/record-rights.js'

/** One open connection as the access re-check sees it. */
export interface HeldRecord {
  userId: string
  sobject: string
  /** The record's Salesforce Id. */
  id: string
}

/**
 * Which of the held records their users may no longer read, asked afresh of Salesforce with each
 * user's own session (what was trusted is forgotten first; one query per user and object). A
 * user Salesforce cannot answer for now keeps their records (checked again next time). The
 * record-level rights of the records kept are asked afresh too, in one query per user and object.
 *
 * @example
 * ```ts
 * const lost = await lostRecords(access, rights, [{ userId: '005…', sobject: 'Opportunity', id: '006…' }])
 * ```
 */
export async function lostRecords(
  access: RecordAccess,
  rights: RecordRights,
  held: readonly HeldRecord[],
): Promise<HeldRecord[]> {
  const groups = new Map<string, HeldRecord[]>()
  for (const h of held) {
    const key = `${h.userId}|${h.sobject}`
    groups.set(key, [...(groups.get(key) ?? []), h])
  }
  const lost: HeldRecord[] = []
  await Promise.all(
    [...groups.values()].map(async (list) => {
      const first = list[0] as HeldRecord
      for (const h of list) {
        access.forget(h.id, h.userId)
        rights.forget(h.id, h.userId)
      }
      const readable = await access
        .readable(first.userId, first.sobject, [...new Set(list.map((h) => h.id))])
        .catch(() => undefined)
      if (!readable) return
      for (const h of list) if (!readable.has(h.id)) lost.push(h)
      // The record-level rights of what stays open, asked afresh in one query (their updates
      // then need not ask one record at a time); unanswered, the next update asks.
      const kept = [...readable].filter((id) => list.some((h) => h.id === id))
      if (kept.length > 0) await rights.of(first.userId, kept).catch(() => undefined)
    }),
  )
  return lost
}
