import type { DocName } from '@briefcase/record'
import { RecordError, RecordErrorCode, parseDocName } from '@briefcase/record'

/** A record document as named on the wire: the record, and its partition (ADR 0005). */
export interface SyncNameParts {
  /** The record's name, `<SObject>/<key>` (the name inside the document too). */
  record: DocName
  /** The partition's id; `null` for the record's main partition. */
  partition: string | null
}

const PARTITION_ID = /^[A-Za-z0-9_-]{16}$/

/**
 * Parses a document name as devices send it: `<SObject>/<key>` (the record's main partition) or
 * `<SObject>/<key>/<partition id>` (a partition of fields some users may not read). Throws
 * `BRIEFCASE_INVALID_NAME`.
 *
 * @example
 * ```ts
 * parseSyncName('Account/001000000000001AAA/AbCdEfGhIjKlMnOp')
 * // { record: 'Account/001000000000001AAA', partition: 'AbCdEfGhIjKlMnOp' }
 * ```
 */
export function parseSyncName(name: string): SyncNameParts {
  const parts = name.split('/')
  const partition = parts.length === 3 ? (parts[2] as string) : null
  if (parts.length > 3 || (partition !== null && !PARTITION_ID.test(partition))) {
    throw new RecordError(
      RecordErrorCode.invalidName,
      `Not a record document name (expected <SObject>/<key>[/<partition>]): ${JSON.stringify(name)}`,
    )
  }
  return { record: parseDocName(parts.slice(0, 2).join('/')).name, partition }
}

/** The wire name of a record's partition document (`partition` null: the main one). */
export function syncName(record: string, partition: string | null): string {
  return partition === null ? record : `${record}/${partition}`
}
