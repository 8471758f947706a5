/**
 * @packageDocumentation
 * The Briefcase record model: one CRDT document per Salesforce record, with the merge rules of
 * DESIGN.md ("The record document"): scalar fields are last-writer-wins by hybrid logical clock,
 * long text merges by character, deletes win and report what they beat, and the pending change is
 * a pure function of the merged state and the server shadow. Two engines sit behind one
 * interface: Yjs (`yjsEngine`, the default) and Automerge 3 (`automergeEngine`, in the separate
 * entry `@briefcase/record/automerge`). Pure TypeScript: no I/O, no DOM, no Node built-ins.
 */
export type {
  Author,
  BeatenEdit,
  Deletion,
  PendingChange,
  PendingField,
  SupersededEdit,
  SyncStatus,
  WriteOperation,
} from './changes.js'
export type {
  ChangeListener,
  EngineDoc,
  EngineView,
  EngineWriter,
  Genesis,
  Json,
  MergeEngine,
} from './engine.js'
export { EngineName, MAP_ROOTS, MapRoot } from './engine.js'
export type { Envelope } from './envelope.js'
export { PayloadKind, openEnvelope, sealEnvelope } from './envelope.js'
export { RecordError, RecordErrorCode, isRecordError } from './errors.js'
export type { Hlc, HlcString, HybridClock, HybridClockOptions } from './hlc.js'
export {
  compareHlc,
  createHybridClock,
  decodeHlc,
  encodeHlc,
  hlcDevice,
  isHlcString,
  isServerStamp,
  serverDevice,
  serverStamp,
} from './hlc.js'
export type { DeviceId, DocName, DocNameParts, DraftKey, RecordKey, SalesforceId } from './ids.js'
export {
  docName,
  isDeviceId,
  isDraftKey,
  isSObjectName,
  isSalesforceId,
  newDraftKey,
  parseDeviceId,
  parseDocName,
  toSalesforceId,
} from './ids.js'
export { derivePendingChange } from './pending.js'
export type { Actor } from './device-edits.js'
export type { CreateDraftOptions, OpenRecordOptions, UpdateListener } from './record-document.js'
export { RecordDocument } from './record-document.js'
export type { DescribeField, FieldSchema, FieldValue, ObjectSchema } from './schema.js'
export {
  FieldType,
  canonicalDatetime,
  checkValue,
  isTextField,
  schemaFromDescribe,
} from './schema.js'
export type { Forwarded, HeldTexts } from './forward.js'
export type { ServerInfo, WriteAck } from './server-updates.js'
export type { RefusedWrite } from './roll-back.js'
export type { RecordSnapshot } from './snapshot.js'
export { snapshotView } from './snapshot.js'
export type { DiffPart, TextOp } from './text-diff.js'
export { diffText, mergeTextOps, textOps, unionText } from './text-diff.js'
export { YjsEngineDoc, yjsEngine } from './yjs-engine.js'
export { decodeYjsUpdate } from './yjs-update-check.js'
export type { DecodedYjsUpdate } from './yjs-update-check.js'
