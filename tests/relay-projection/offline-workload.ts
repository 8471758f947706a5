import { createRandom } from '@briefcase/org'
import { RecordDocument, yjsEngine } from '@briefcase/record'
import type { Device } from '../relay/device.js'

/** The issue-4 offline workload's size (the test and bench/relay-api-calls.ts use it). */
export interface OfflineWorkload {
  records: number
  edits: number
  parents: number
  children: number
}

/** 1,000 edits over 200 records plus 20 parent Accounts and 40 child Contacts created offline. */
export const ISSUE_4_WORKLOAD: OfflineWorkload = {
  records: 200,
  edits: 1000,
  parents: 20,
  children: 40,
}

/**
 * Makes the offline work on a device that holds `names` (at least `w.records` Accounts): edits of
 * several kinds, every record at least once then at random (seeded), and new parents with new
 * children under them (the children reference their parent's draft key). Nothing is synced.
 */
export async function makeOfflineWork(
  device: Device,
  names: readonly string[],
  w: OfflineWorkload,
  seed: number,
): Promise<{ parents: RecordDocument[]; children: RecordDocument[] }> {
  const random = createRandom(seed).next
  const industries = ['Banking', 'Energy', 'Retail', 'Technology']
  for (let i = 0; i < w.edits; i++) {
    const pickRecord = i < w.records ? i : Math.floor(random() * w.records)
    const doc = await device.open(names[pickRecord] as string)
    const pick = Math.floor(random() * 5)
    if (pick === 0) doc.set('Name', `Account ${i}`)
    else if (pick === 1) doc.set('Phone', `415555${String(1000 + (i % 9000))}`)
    else if (pick === 2) doc.set('Website', `https://edit-${i}.example`)
    else if (pick === 3) doc.set('Industry', industries[i % industries.length])
    else doc.insertText('Description', 0, `${i} `)
  }
  const accountSchema = await device.schema('Account')
  const contactSchema = await device.schema('Contact')
  const actor = { user: device.userId, device: device.clock.device }
  const draft = (schema: typeof accountSchema, values: Record<string, unknown>) =>
    RecordDocument.createDraft({ engine: yjsEngine, schema, values, actor, clock: device.clock })
  const parents = Array.from({ length: w.parents }, (_, i) =>
    draft(accountSchema, { Name: `New parent ${i}` }),
  )
  const children = Array.from({ length: w.children }, (_, i) =>
    draft(contactSchema, { LastName: `Child ${i}`, AccountId: parents[i % w.parents]?.draftKey() }),
  )
  for (const doc of [...parents, ...children]) device.adopt(doc)
  return { parents, children }
}
