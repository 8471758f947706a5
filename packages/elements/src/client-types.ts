import type { BriefcaseClient } from '@briefcase/client'

/** The signed-in user, device and relay engine, as `client.session` holds it. */
export type Session = NonNullable<BriefcaseClient['session']>

/** An object's schema, labels and name field, as `client.schema()` returns it. */
export type ObjectDescription = Awaited<ReturnType<BriefcaseClient['schema']>>

/** Something a user can choose to have offline, as `client.offlineItems()` lists it. */
export type OfflineItem = Awaited<ReturnType<BriefcaseClient['offlineItems']>>[number]

/** A `<Object>.create` quick action of the "+" menu. */
export type QuickAction = Awaited<ReturnType<BriefcaseClient['quickActions']>>[number]

/** A record found by name for a lookup field. */
export type LookupMatch = Awaited<ReturnType<BriefcaseClient['lookup']>>[number]
