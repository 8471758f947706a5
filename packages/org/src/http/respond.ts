import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ApiError, type SalesforceErrorBody } from '../errors.js'
import type { OrgContext } from './env.js'

/** Salesforce's JSON content type. */
export const JSON_TYPE = 'application/json;charset=UTF-8'

/** A JSON answer with Salesforce's content type. */
export function sfJson(
  c: OrgContext,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    'Content-Type': JSON_TYPE,
    ...headers,
  })
}

/** A Salesforce error array answer. */
export function sfErrors(
  status: number,
  errors: SalesforceErrorBody[],
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(errors), {
    status,
    headers: { 'Content-Type': JSON_TYPE, ...headers },
  })
}

/** The answer for an {@link ApiError}. */
export function apiErrorResponse(error: ApiError): Response {
  return sfErrors(error.status, error.errors)
}

/** A fresh {@link ApiError}-shaped answer without throwing. */
export function errorAnswer(status: number, errorCode: string, message: string): Response {
  return apiErrorResponse(new ApiError(status, errorCode, message))
}
