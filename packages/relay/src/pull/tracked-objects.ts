import type { DocKey, RelayStore } from '../store/relay-store.js'

/**
 * The objects the relay holds documents of records for (with a Salesforce Id), sorted: one
 * one-row read per object, each starting past the previous object's documents (named
 * `<SObject>/<key>`, listed in byte order), not a read of every document.
 */
export async function trackedObjects(store: Pick<RelayStore, 'listDocs'>): Promise<string[]> {
  const out: string[] = []
  let after: DocKey | undefined
  for (;;) {
    const [first] = await store.listDocs({
      withSalesforceId: true,
      limit: 1,
      ...(after ? { after } : {}),
    })
    if (!first) return out.sort()
    if (!out.includes(first.sobject)) out.push(first.sobject)
    const slash = first.name.indexOf('/')
    // '0' follows '/': past every name of this prefix (or, without one, past this document).
    after = slash < 0 ? first : { name: `${first.name.slice(0, slash)}0`, group: '' }
  }
}
