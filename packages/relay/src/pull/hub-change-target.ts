import { MapRoot, toSalesforceId } from '@briefcase/record'
import type { ProjectionHub } from '../projection/relay-projection.js'
import { applyEventValues } from './change-apply.js'
import type { ChangeStreamConfig } from './change-stream.js'

/**
 * Where the change stream applies events: the documents of the hub, found by Salesforce Id
 * (every partition's document of a record, each taking its own fields).
 *
 * @example
 * ```ts
 * createChangeStream({ ...hubChangeTarget(hub), session, objects, puller, pullStore, replay, logger })
 * ```
 */
export function hubChangeTarget(
  hub: Pick<ProjectionHub, 'store' | 'mutate'>,
  /** Told how many documents an event's values were merged into (for metrics). */
  onMerged?: (documents: number) => void,
): Pick<ChangeStreamConfig, 'holds' | 'deleted' | 'apply'> {
  const refsOf = async (sobject: string, id: string) =>
    (await hub.store.findBySalesforceId(sobject, id)).map((m) => ({ name: m.name, group: m.group }))
  return {
    holds: async (sobject, ids) => {
      for (const id of ids) if ((await refsOf(sobject, id)).length > 0) return true
      return false
    },
    deleted: async (sobject, ids, at, by) => {
      for (const id of ids) {
        for (const ref of await refsOf(sobject, id)) {
          await hub.mutate(ref, (doc) => {
            if (doc.engineDoc.get(MapRoot.server, 'deleted') !== true) doc.applyServerDelete(by, at)
          })
        }
      }
    },
    apply: async (event, values) => {
      let merged = 0
      for (const raw of event.recordIds) {
        const id = toSalesforceId(raw)
        if (!id) continue
        for (const ref of await refsOf(event.sobject, id)) {
          await hub.mutate(ref, (doc) => applyEventValues(doc, event, id, values))
          merged += 1
        }
      }
      if (merged > 0) onMerged?.(merged)
    },
  }
}
