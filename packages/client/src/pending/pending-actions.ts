import type { FieldValue } from '@briefcase/record'
import { BriefcaseClientError, BriefcaseClientErrorCode } from '../errors.js'
import type { PendingChangeView } from '../pending-view.js'
import { docNameOf } from '../records/record-access.js'
import type { IndexRecord } from '../storage/index-record.js'
import { recordDocs, relayHasAll } from '../storage/index-record.js'
import type { UserSpace } from '../user-space.js'
import { toPendingView } from './pending-views.js'

/** The pending list, in order of first change, from the index only. */
export async function pendingChanges(space: UserSpace): Promise<PendingChangeView[]> {
  const records = await space.index.pending()
  return records.flatMap((r) => toPendingView(r, space.viewer) ?? [])
}

/**
 * Puts Salesforce's values back as new edits (every device converges on them). A create that
 * the relay never received is simply removed; one it has is deleted. Deletes cannot be undone.
 */
export async function discardChanges(
  space: UserSpace,
  doc: string,
  fields?: readonly string[],
): Promise<void> {
  const name = docNameOf(doc)
  const record = await space.index.get(name)
  if (!record) return
  const pending = record.pending
  if (pending?.operation === 'delete') {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.invalidOperation,
      `The delete of ${name} cannot be discarded: deletes win over every edit.`,
    )
  }
  const docs = recordDocs(record)
  if (pending?.operation === 'create' && fields === undefined && docs.every((d) => !d.relaySV)) {
    if (space.docs.get(name)) {
      throw new BriefcaseClientError(
        BriefcaseClientErrorCode.invalidOperation,
        `${name} is open: close it before discarding its creation.`,
      )
    }
    space.discarding.add(name)
    try {
      space.indexChanged(await space.index.update([name], () => null))
      for (const d of docs) await space.store.remove(d.name)
    } finally {
      space.discarding.delete(name)
    }
    return
  }
  space.discarding.add(name)
  try {
    for (const doc of docs) {
      await space.docs.with(doc.name, (loaded) => {
        const current = loaded.document.pending()
        if (!current || current.operation === null) return
        if (current.operation === 'create' && fields === undefined) {
          loaded.document.delete()
          return
        }
        const values: Record<string, FieldValue> = {}
        for (const f of current.fields)
          if (!fields || fields.includes(f.field)) values[f.field] = f.old
        if (Object.keys(values).length > 0) loaded.document.setMany(values)
      })
    }
  } finally {
    space.discarding.delete(name)
  }
}

/** Drops this device's superseded and deleted notices of a record. */
export async function dismissNotices(space: UserSpace, doc: string): Promise<void> {
  const name = docNameOf(doc)
  const record = await space.index.get(name)
  if (!record) return
  for (const doc of recordDocs(record)) {
    await space.docs.with(doc.name, (loaded) => {
      const pending = loaded.document.pending()
      if (!pending) return
      const notices = [...pending.superseded, ...pending.beaten].map((n) => ({
        field: n.field,
        at: n.at,
      }))
      loaded.document.dismiss(notices)
    })
  }
}

/** Sends a record's changes to the relay now. */
export async function retryRecord(space: UserSpace, doc: string): Promise<void> {
  const name = docNameOf(doc)
  if (!space.o.online()) {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.offline,
      `Cannot retry ${name} offline.`,
    )
  }
  await space.sync([name], 'push')
}

/** Records holding something the relay does not have yet. */
export async function unsyncedRecords(space: UserSpace): Promise<IndexRecord[]> {
  return (await space.index.all()).filter((r) => !relayHasAll(r))
}

/** What would be lost by deleting the given records now, as pending views. */
export function unsyncedViews(
  space: UserSpace,
  records: readonly IndexRecord[],
): PendingChangeView[] {
  return records.map(
    (r) =>
      toPendingView(r, space.viewer) ?? {
        doc: r.doc as PendingChangeView['doc'],
        sobject: r.sobject,
        key: r.key as PendingChangeView['key'],
        name: r.name,
        salesforceId: r.pending?.salesforceId ?? null,
        operation: null,
        fields: [],
        author: null,
        firstChangeAt: null,
        changedAt: null,
        state: 'saved',
        error: null,
        retrying: null,
        superseded: [],
        deleted: null,
        beaten: [],
        dependsOn: [],
      },
  )
}
