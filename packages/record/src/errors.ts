/** Stable codes of every error the record package throws. */
export const RecordErrorCode = {
  invalidName: 'BRIEFCASE_INVALID_NAME',
  unknownField: 'BRIEFCASE_UNKNOWN_FIELD',
  fieldType: 'BRIEFCASE_FIELD_TYPE',
  readOnlyField: 'BRIEFCASE_READ_ONLY_FIELD',
  recordDeleted: 'BRIEFCASE_RECORD_DELETED',
  malformedUpdate: 'BRIEFCASE_MALFORMED_UPDATE',
  engineMismatch: 'BRIEFCASE_ENGINE_MISMATCH',
  foreignUpdate: 'BRIEFCASE_FOREIGN_UPDATE',
  invalidOperation: 'BRIEFCASE_INVALID_OPERATION',
} as const

/** One of {@link RecordErrorCode}'s values. */
export type RecordErrorCode = (typeof RecordErrorCode)[keyof typeof RecordErrorCode]

/**
 * The error the record package throws for anything a caller can act on: a bad name, an unknown
 * field, a value of the wrong type, an update that is malformed or belongs elsewhere.
 * Match it with {@link isRecordError} (works across bundles, unlike `instanceof`).
 *
 * @example
 * ```ts
 * try { doc.set('Phone', 42) } catch (e) { if (isRecordError(e, 'BRIEFCASE_FIELD_TYPE')) show(e.message) }
 * ```
 */
export class RecordError extends Error {
  override readonly name = 'RecordError' as const
  readonly code: RecordErrorCode
  /** The field the error is about, where there is one. */
  readonly field: string | undefined

  constructor(
    code: RecordErrorCode,
    message: string,
    options: { field?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.field = options.field
  }
}

/** True when `error` is a {@link RecordError}, optionally with the given code. */
export function isRecordError(error: unknown, code?: RecordErrorCode): error is RecordError {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { name?: unknown; code?: unknown }
  return e.name === 'RecordError' && typeof e.code === 'string' && (!code || e.code === code)
}
