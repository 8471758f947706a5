import type { RecordDocument, SalesforceId } from '@briefcase/record'
import { MapRoot, toSalesforceId } from '@briefcase/record'
import type { ProjectionHub } from '../projection/relay-projection.js'
import type { DocKey } from '../store/relay-store.js'
import { docKeyString } from '../store/relay-store.js'
import { applyEventValues } from './change-apply.js'
import type { ChangeStreamConfig } from './change-stream.js'

/**
 * Documents changed in one commit when an event names many records (an event of a collection
 * call names up to 200): one transaction and fsync for them, not one each.
 */
const DOCS_PER_COMMIT = 100

/**
 * Where the change stream applies events: the documents of the hub, found by Salesforce Id
 * (every partition's document of a record, each taking its own fields). The documents an event
 * names are changed {@link DOCS_PER_COMMIT} to a commit.
 *
 * @example
 * ```ts
 * createChangeStream({ ...hubChangeTarget(hub), session, objects, puller, pullStore, replay, logger })
 * ```
 */
export function hubChangeTarget(
  hub: Pick<ProjectionHub, 'store' | 'mutateAll'>,
  /** Told how many documents an event's values were merged into (for metrics). */
  onMerged?: (documents: number) => void,
): Pick<ChangeStreamConfig, 'holds' | 'deleted' | 'apply'> {
  const refsOf = async (sobject: string, id: string): Promise<DocKey[]> =>
    (await hub.store.findBySalesforceId(sobject, id)).map((m) => ({ name: m.name, group: m.group }))
  /** Runs `change` on every document of the records; returns how many there were. */
  const changeAll = async (
    sobject: string,
    ids: readonly SalesforceId[],
    change: (doc: RecordDocument, id: SalesforceId) => void,
  ): Promise<number> => {
    const keys: DocKey[] = []
    const idOf = new Map<string, SalesforceId>()
    for (const id of ids) {
      for (const ref of await refsOf(sobject, id)) {
        keys.push(ref)
        idOf.set(docKeyString(ref), id)
      }
    }
    let changed = 0
    for (let i = 0; i < keys.length; i += DOCS_PER_COMMIT) {
      changed += await hub.mutateAll(keys.slice(i, i + DOCS_PER_COMMIT), (doc, key) =>
        change(doc, idOf.get(docKeyString(key)) as SalesforceId),
      )
    }
    return changed
  }
  return {
    holds: async (sobject, ids) => {
      for (const id of ids) if ((await refsOf(sobject, id)).length > 0) return true
      return false
    },
    deleted: async (sobject, ids, at, by) => {
      const valid = ids.flatMap((raw) => toSalesforceId(raw) ?? [])
      await changeAll(sobject, valid, (doc) => {
        if (doc.engineDoc.get(MapRoot.server, 'deleted') !== true) doc.applyServerDelete(by, at)
      })
    },
    apply: async (event, values) => {
      const ids = event.recordIds.flatMap((raw) => toSalesforceId(raw) ?? [])
      const merged = await changeAll(event.sobject, ids, (doc, id) => {
        applyEventValues(doc, event, id, values)
      })
      if (merged > 0) onMerged?.(merged)
    },
  }
}
