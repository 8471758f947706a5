import type { DocName } from '@briefcase/record'
import { CacheChangeEvent, NoticeEvent, PendingChangeEvent } from '../events.js'
import type { PendingState } from '../pending-view.js'
import type { IndexChange } from '../storage/cache-index.js'
import type { IndexRecord } from '../storage/index-record.js'
import type { Viewer } from './pending-state.js'
import { toPendingView } from './pending-views.js'

function stateOf(record: IndexRecord | null, viewer: Viewer): PendingState | null {
  return record ? (toPendingView(record, viewer)?.state ?? null) : null
}

/**
 * The events index changes call for: `pending-change` for each record whose pending state
 * changed (`written` when it left the list with Salesforce having it, `null` when it left
 * otherwise: discarded or removed), `notice` when this user's edit just got superseded or beaten
 * by a delete, and one `cache-change` for all of them.
 */
export function indexEvents(
  changes: readonly IndexChange[],
  viewer: Viewer,
  discarded: ReadonlySet<string>,
): Event[] {
  const events: Event[] = []
  for (const c of changes) {
    const before = stateOf(c.before, viewer)
    let after = stateOf(c.after, viewer)
    if (after === null && before !== null && c.after !== null && !discarded.has(c.doc)) {
      const op = c.after.pending?.operation ?? null
      if (op === null) after = 'written'
    }
    if (before === after) continue
    const doc = c.doc as DocName
    events.push(new PendingChangeEvent(doc, after, before))
    if ((after === 'superseded' || after === 'deleted') && c.after) {
      const view = toPendingView(c.after, viewer)
      if (view) events.push(new NoticeEvent(doc, after, view))
    }
  }
  if (changes.length > 0) events.push(new CacheChangeEvent(changes.map((c) => c.doc as DocName)))
  return events
}
