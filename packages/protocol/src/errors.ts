/** Stable codes of the relay's JSON errors (`{ error: { code, message } }`). */
export const RelayErrorCode = {
  unauthenticated: 'BRIEFCASE_UNAUTHENTICATED',
  sessionExpired: 'BRIEFCASE_SESSION_EXPIRED',
  forbidden: 'BRIEFCASE_FORBIDDEN',
  /** An update names a user or device other than its session's. */
  identityMismatch: 'BRIEFCASE_IDENTITY_MISMATCH',
  /** The user no longer has access to a record a live connection holds. */
  accessLost: 'BRIEFCASE_ACCESS_LOST',
  /** A draft's lookup names a Salesforce record the user may not read. */
  parentForbidden: 'BRIEFCASE_PARENT_FORBIDDEN',
  /** A sign-in callback reached a browser that did not start that sign-in. */
  signInNotBound: 'BRIEFCASE_SIGN_IN_NOT_BOUND',
  notFound: 'BRIEFCASE_NOT_FOUND',
  methodNotAllowed: 'BRIEFCASE_METHOD_NOT_ALLOWED',
  badRequest: 'BRIEFCASE_BAD_REQUEST',
  invalidName: 'BRIEFCASE_INVALID_NAME',
  malformedUpdate: 'BRIEFCASE_MALFORMED_UPDATE',
  engineMismatch: 'BRIEFCASE_ENGINE_MISMATCH',
  foreignUpdate: 'BRIEFCASE_FOREIGN_UPDATE',
  unknownField: 'BRIEFCASE_UNKNOWN_FIELD',
  documentMoved: 'BRIEFCASE_DOCUMENT_MOVED',
  tooManyPreferences: 'BRIEFCASE_TOO_MANY_PREFERENCES',
  payloadTooLarge: 'BRIEFCASE_PAYLOAD_TOO_LARGE',
  salesforceUnavailable: 'BRIEFCASE_SALESFORCE_UNAVAILABLE',
  salesforceError: 'BRIEFCASE_SALESFORCE_ERROR',
  /** The relay's store cannot make a change durable now: keep it and send it again later (503). */
  storeUnavailable: 'BRIEFCASE_STORE_UNAVAILABLE',
  internal: 'BRIEFCASE_INTERNAL',
} as const
/** One of {@link RelayErrorCode}'s values. */
export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode]

/** The body of every relay error response (its validator: `ErrorBody` of `@briefcase/protocol/schemas`). */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown }
}
