import type { Schema } from '../schema/registry.js'

/** The standard channel of every selected entity's change events. */
export const ALL_CHANGE_EVENTS = '/data/ChangeEvents'

/**
 * The change event name of an object: `AccountChangeEvent`, and for a custom object the name
 * without its `c` (`Site_Visit__c` → `Site_Visit__ChangeEvent`).
 */
export function changeEventName(entity: string): string {
  return entity.endsWith('__c') ? `${entity.slice(0, -1)}ChangeEvent` : `${entity}ChangeEvent`
}

/** The single-entity channel of an object (`/data/AccountChangeEvent`). */
export function entityChannel(entity: string): string {
  return `/data/${changeEventName(entity)}`
}

/** Objects that publish change events when selected: every object the API writes. */
export function captureCapable(schema: Schema): string[] {
  return schema.objects.filter((o) => o.writable).map((o) => o.name)
}

/** What a subscription channel names: every selected entity, one entity, or nothing known. */
export type ChannelTarget = { kind: 'all' } | { kind: 'entity'; entity: string } | undefined

/** Reads a channel name (case-sensitive, as Salesforce's are). */
export function channelTarget(schema: Schema, channel: string): ChannelTarget {
  if (channel === ALL_CHANGE_EVENTS) return { kind: 'all' }
  const m = /^\/data\/([A-Za-z][A-Za-z0-9_]*)ChangeEvent$/.exec(channel)
  if (!m?.[1]) return undefined
  const entity = captureCapable(schema).find(
    (name) => changeEventName(name) === `${m[1]}ChangeEvent`,
  )
  return entity ? { kind: 'entity', entity } : undefined
}
