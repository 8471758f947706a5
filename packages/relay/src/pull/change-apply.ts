import type { RecordDocument, SalesforceId } from '@briefcase/record'
import { MapRoot, toSalesforceId } from '@briefcase/record'
import type { OutboxEntry } from '../projection/ports.js'
import { sameValue } from '../projection/server-records.js'
import type { StreamEvent } from './stream-ports.js'

/**
 * How the relay takes a change event in: `apply` its values to the documents, `delete` them,
 * `read` the object (the event lacks what is needed: gap events, an undelete the record document
 * cannot express from values, an update naming no fields), or `resync` the object whole (an
 * overflow: Salesforce did not say which records changed).
 */
export type EventAction = 'apply' | 'delete' | 'read' | 'resync'

/** What to do with an event (see {@link EventAction}). */
export function eventAction(event: StreamEvent): EventAction {
  switch (event.changeType) {
    case 'UPDATE':
      return event.changedFields.length > 0 ? 'apply' : 'read'
    case 'CREATE':
      return 'apply'
    case 'DELETE':
      return 'delete'
    case 'GAP_OVERFLOW':
      return 'resync'
    default:
      // UNDELETE, GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE, and anything newer.
      return 'read'
  }
}

function isCompound(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The API name of a compound's component: `BillingAddress.City` → `BillingCity`, `Name.FirstName` → `FirstName`. */
function componentName(top: string, part: string): string {
  if (top === 'Name') return part
  return top.endsWith('Address') ? `${top.slice(0, -'Address'.length)}${part}` : `${top}${part}`
}

/**
 * The field values an event carries, by API name (compound fields flattened): an UPDATE's changed
 * fields (a field listed but absent from the body was cleared: null), a CREATE's or UNDELETE's
 * populated fields. Datetimes stay as sent (epoch ms in Salesforce's CometD events).
 */
export function eventValues(event: StreamEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const flatten = (top: string, value: Record<string, unknown>): void => {
    for (const [part, v] of Object.entries(value)) out[componentName(top, part)] = v ?? null
  }
  if (event.changeType !== 'UPDATE') {
    for (const [top, value] of Object.entries(event.fields)) {
      if (isCompound(value)) flatten(top, value)
      else out[top] = value ?? null
    }
    return out
  }
  for (const path of event.changedFields) {
    const [top = '', part] = path.split('.')
    const value = event.fields[top]
    if (part !== undefined)
      out[componentName(top, part)] = isCompound(value) ? (value[part] ?? null) : null
    else if (isCompound(value)) flatten(top, value)
    else out[top] = value ?? null
  }
  return out
}

/** Lookups every update may change that decide no one's access. */
const AUDIT_LOOKUPS = new Set(['LastModifiedById', 'CreatedById'])

/**
 * Whether applying an event may change who can read its records: a new or restored record, or a
 * change of its owner or of a standard lookup (`AccountId`: a parent whose sharing controls it).
 * Other sharing changes (criteria-based rules, manual shares, custom lookups) are left to the
 * relay's periodic access re-check.
 */
export function mayChangeAccess(
  event: StreamEvent,
  values: Readonly<Record<string, unknown>>,
): boolean {
  if (event.changeType !== 'UPDATE') return true
  return Object.keys(values).some((field) => /[a-z]Id$/.test(field) && !AUDIT_LOOKUPS.has(field))
}

/** An event datetime (epoch ms, or an ISO string) as ISO, or undefined. */
function isoOf(value: unknown): string | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined
}

/**
 * Applies an event's values to one document of the record, as the puller applies a row: a server
 * change stamped with the event's commitTimestamp by its commitUser, fields equal to the shadow
 * changing nothing (a replayed event, our own write). Only the document's own fields are taken:
 * a partition's document never receives a field its readers may not read (ADR 0005), whatever
 * the event carries. An event older than the server state the document holds (its
 * SystemModstamp's second is later) is in that state already and changes nothing. Returns
 * whether a field changed.
 */
export function applyEventValues(
  doc: RecordDocument,
  event: StreamEvent,
  salesforceId: SalesforceId,
  values: Readonly<Record<string, unknown>>,
): boolean {
  const known = doc.engineDoc.get(MapRoot.server, 'systemModstamp')
  const held = typeof known === 'string' ? Date.parse(known) : NaN
  if (Math.floor(held / 1000) > Math.floor(event.commitTimestamp / 1000)) return false
  const row: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(values)) {
    const f = doc.schema.fields[field]
    if (!f) continue
    row[field] = f.type === 'datetime' && value !== null ? (isoOf(value) ?? value) : value
  }
  const at = new Date(event.commitTimestamp).toISOString()
  const changed = doc.applyServerRecord(row, {
    salesforceId,
    lastModifiedDate: at,
    // Change events leave SystemModstamp out; LastModifiedDate is its closest (never later).
    systemModstamp: isoOf(values.LastModifiedDate) ?? at,
    lastModifiedById: event.commitUser,
  })
  return Object.keys(changed).length > 0
}

/**
 * True when an event is one of the relay's own writes still in the outbox (sent, not settled):
 * a call by the event's commitUser writing this record with every value the event carries. Used
 * when the event's changeOrigin does not name the relay (an org that leaves it empty): the call's
 * settlement merges it, with its read-back, as it does when the origin names the relay.
 */
export function isOutboxWrite(
  event: StreamEvent,
  values: Readonly<Record<string, unknown>>,
  outbox: readonly OutboxEntry[],
): boolean {
  const ids = new Set(event.recordIds.map((id) => toSalesforceId(id) ?? id))
  const compared = Object.entries(values).filter(
    ([f]) =>
      ![
        'LastModifiedDate',
        'LastModifiedById',
        'SystemModstamp',
        'CreatedDate',
        'CreatedById',
      ].includes(f),
  )
  return outbox.some(
    (entry) =>
      entry.author === event.commitUser &&
      entry.writes.some(
        (w) =>
          w.sobject === event.sobject &&
          w.salesforceId !== null &&
          ids.has(toSalesforceId(w.salesforceId) ?? w.salesforceId) &&
          compared.every(([f, v]) => {
            const sent = w.fields[f]
            return sent !== undefined && sameValue(undefined, v, sent.value)
          }),
      ),
  )
}
