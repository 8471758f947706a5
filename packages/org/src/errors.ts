/** One Salesforce REST error entry: `{ message, errorCode, fields? }`. */
export interface SalesforceErrorBody {
  message: string
  errorCode: string
  fields?: string[]
}

/**
 * A Salesforce-shaped failure raised inside the org and turned into the HTTP answer Salesforce
 * gives (`[{ message, errorCode, fields }]` with `status`). Internal: never escapes the app.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError' as const
  readonly status: number
  readonly errors: SalesforceErrorBody[]

  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message)
    this.status = status
    const entry: SalesforceErrorBody = { message, errorCode }
    if (fields) entry.fields = fields
    this.errors = [entry]
  }

  /** The first error code. */
  get errorCode(): string {
    return this.errors[0]?.errorCode ?? 'UNKNOWN_EXCEPTION'
  }

  /** The first entry with `fields` always present (the shape Collections and DML results use). */
  get first(): Required<SalesforceErrorBody> {
    const e = this.errors[0]
    return {
      message: e?.message ?? this.message,
      errorCode: e?.errorCode ?? 'UNKNOWN_EXCEPTION',
      fields: e?.fields ?? [],
    }
  }
}

/** The Salesforce "resource does not exist" answer. */
export function notFound(): ApiError {
  return new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
}

/** Stable codes of the errors the library itself throws to its caller. */
export const OrgErrorCode = {
  invalidOptions: 'BRIEFCASE_ORG_INVALID_OPTIONS',
  unknownUser: 'BRIEFCASE_ORG_UNKNOWN_USER',
  dataFile: 'BRIEFCASE_ORG_DATA_FILE',
  noDataFile: 'BRIEFCASE_ORG_NO_DATA_FILE',
} as const

/** One of {@link OrgErrorCode}'s values. */
export type OrgErrorCode = (typeof OrgErrorCode)[keyof typeof OrgErrorCode]

/**
 * The error `createOrg` and the in-process admin API throw for anything a caller can act on:
 * invalid options, an unknown user, a data file that cannot be read or written.
 * Match it with {@link isOrgError} (works across bundles, unlike `instanceof`).
 *
 * @example
 * ```ts
 * try { await org.load('missing.json') } catch (e) { if (isOrgError(e, 'BRIEFCASE_ORG_DATA_FILE')) reseed() }
 * ```
 */
export class OrgError extends Error {
  override readonly name = 'OrgError' as const
  readonly code: OrgErrorCode

  constructor(code: OrgErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}

/** True when `error` is an {@link OrgError}, optionally with the given code. */
export function isOrgError(error: unknown, code?: OrgErrorCode): error is OrgError {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { name?: unknown; code?: unknown }
  return e.name === 'OrgError' && typeof e.code === 'string' && (!code || e.code === code)
}
