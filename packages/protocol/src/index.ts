/**
 * @packageDocumentation
 * The contract between Briefcase devices and the relay: routes, the bulk-sync binary format, the
 * JSON API's shapes and the relay's error codes. Pure; used by `@briefcase/relay` and
 * `@briefcase/client`. The zod validators are in `@briefcase/protocol/schemas`.
 */
export type {
  CachePlan,
  LookupResult,
  OfflineItem,
  OfflineItemsResponse,
  PlannedDashboard,
  PlannedRecord,
  Preferences,
  QuickAction,
  SchemaPartition,
  SchemaResponse,
  SessionInfo,
  ViewResponse,
} from './api.js'
export { CacheSource, OfflineItemKind } from './api.js'
export type { BulkRequestDoc, BulkResponseDoc } from './bulk.js'
export type { CachePlanLine } from './cache-plan-stream.js'
export {
  CACHE_PLAN_STREAM_TYPE,
  CachePlanStreamError,
  encodeCachePlanLine,
  readCachePlanStream,
} from './cache-plan-stream.js'
export {
  BulkFormatError,
  decodeBulkRequest,
  decodeBulkResponse,
  encodeBulkRequest,
  encodeBulkResponse,
} from './bulk.js'
export type { BulkStreamAnswer } from './bulk-stream.js'
export {
  BULK_STREAM_TYPE,
  BULK_STREAM_VERSION,
  encodeAnswerFrame,
  encodeRequestFrame,
  encodeStreamEnd,
  encodeStreamHeader,
  readAnswerStream,
  readRequestStream,
} from './bulk-stream.js'
export type { ErrorBody } from './errors.js'
export { RelayErrorCode } from './errors.js'
export type { SyncNameParts } from './sync-name.js'
export { parseSyncName, syncName } from './sync-name.js'
export {
  AUTHORIZATION,
  MAX_BULK_BYTES,
  MAX_BULK_DOCS,
  MAX_FRAME_BYTES,
  MAX_PREFERENCES,
  Route,
  SESSION_FRAGMENT,
  TOKEN_PARAM,
} from './routes.js'
