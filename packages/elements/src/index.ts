/**
 * @packageDocumentation
 * Briefcase's Lit web components: sign-in and the client (`<briefcase-session>`), a status bar,
 * the offline cache, Offline Preferences, pending changes, a record editor with shared long text,
 * the "+" create menu, and a "work offline" switch. They sit on `@briefcase/client` and take
 * their data only from it (controllers subscribe to the client the session provides). Import this
 * module to register every element, or load the self-contained bundle (`/elements.js`) with one
 * `<script type="module">`.
 */
// The session comes first: it must be defined (and provide the client) before the elements
// inside it upgrade and ask for the client, or their requests would find no provider.
export { BriefcaseSession } from './briefcase-session.js'
export { BriefcaseCache } from './briefcase-cache.js'
export { BriefcaseCreate } from './briefcase-create.js'
export { BriefcaseLongText } from './briefcase-long-text.js'
export { BriefcaseLookup } from './briefcase-lookup.js'
export { BriefcaseOfflineSwitch } from './briefcase-offline-switch.js'
export { BriefcasePending } from './briefcase-pending.js'
export { BriefcasePreferences } from './briefcase-preferences.js'
export { BriefcaseRecord } from './briefcase-record.js'
export { BriefcaseStatus } from './briefcase-status.js'
export type {
  LookupMatch,
  ObjectDescription,
  OfflineItem,
  QuickAction,
  Session,
} from './client-types.js'
export type { RecordSelection } from './context/client-context.js'
export { clientContext, selectionContext } from './context/client-context.js'
export type { RefreshProgress } from './controllers/cache-controller.js'
export { CacheController } from './controllers/cache-controller.js'
export type { ControllerHost } from './controllers/client-controller.js'
export { ClientController } from './controllers/client-controller.js'
export { CreateController } from './controllers/create-controller.js'
export { PendingController } from './controllers/pending-controller.js'
export { PreferencesController } from './controllers/preferences-controller.js'
export { RecordController } from './controllers/record-controller.js'
export type { SessionPage } from './controllers/session-controller.js'
export { SessionController } from './controllers/session-controller.js'
export type { RemoteCursor } from './controllers/shared-text-controller.js'
export { SharedTextController } from './controllers/shared-text-controller.js'
export { StatusController } from './controllers/status-controller.js'
export { FieldChangeEvent } from './events/field-change-event.js'
export { LookupSelectEvent } from './events/lookup-select-event.js'
export { OpenRecordEvent } from './events/open-record-event.js'
export { PreferenceRefusedEvent, PreferencesSavedEvent } from './events/preferences-events.js'
export { RecordCreatedEvent } from './events/record-created-event.js'
export { SessionChangeEvent } from './events/session-change-event.js'
