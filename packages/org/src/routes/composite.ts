import { Hono } from 'hono'
import { ApiError } from '../errors.js'
import { readJson } from '../http/body.js'
import { requestContext, slash, V } from '../http/context.js'
import { INTERNAL, type OrgEnv, type OrgBindings } from '../http/env.js'
import type { Dispatch } from '../http/middleware.js'
import { sfJson } from '../http/respond.js'
import { parseVersion } from '../http/versions.js'
import type { OrgState } from '../state.js'
import {
  isReferenceId,
  CompositeReferenceError,
  resolveBody,
  resolveUrl,
  type SubOutcome,
} from './composite-references.js'

const MAX_SUBREQUESTS = 25
const MAX_QUERIES_AND_COLLECTIONS = 5
const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
const FORBIDDEN_HEADERS: ReadonlySet<string> = new Set(['accept', 'authorization', 'content-type'])

interface SubRequest {
  method: string
  url: string
  referenceId: string
  body?: unknown
  httpHeaders: Record<string, string>
}

interface SubResult {
  body: unknown
  httpHeaders: Record<string, string>
  httpStatusCode: number
  referenceId: string
}

function invalid(message: string): ApiError {
  return new ApiError(400, 'INVALID_API_INPUT', message)
}

function parseRequest(body: unknown): { allOrNone: boolean; subs: SubRequest[] } {
  const b =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined
  const list = b?.compositeRequest
  if (!b || !Array.isArray(list) || list.length === 0) {
    throw invalid('compositeRequest must be a non-empty array of subrequests')
  }
  if (list.length > MAX_SUBREQUESTS) {
    throw new ApiError(
      400,
      'LIMIT_EXCEEDED',
      `A composite request can have at most ${MAX_SUBREQUESTS} subrequests; it has ${list.length}.`,
    )
  }
  const seen = new Set<string>()
  let heavy = 0
  const subs = list.map((raw, i): SubRequest => {
    const s = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
    const { method, url, referenceId, httpHeaders } = s
    if (typeof method !== 'string' || !METHODS.has(method)) {
      throw invalid(
        `Subrequest ${i}: method must be one of GET, POST, PUT, PATCH, DELETE (case-sensitive).`,
      )
    }
    if (typeof url !== 'string' || !/^\/services\/data\/v\d+\.0\//.test(url)) {
      throw invalid(`Subrequest ${i}: url must begin with /services/data/vXX.X/`)
    }
    if (typeof referenceId !== 'string' || !isReferenceId(referenceId)) {
      throw invalid(
        `Subrequest ${i}: referenceId must start with a letter or a number and contain only letters, numbers and underscores.`,
      )
    }
    if (seen.has(referenceId))
      throw invalid(`Duplicate referenceId provided in the request: ${referenceId}`)
    seen.add(referenceId)
    const headers: Record<string, string> = {}
    if (httpHeaders !== undefined) {
      if (typeof httpHeaders !== 'object' || httpHeaders === null)
        throw invalid(`Subrequest ${i}: httpHeaders must be an object`)
      for (const [k, v] of Object.entries(httpHeaders)) {
        if (FORBIDDEN_HEADERS.has(k.toLowerCase())) {
          throw invalid(`Subrequest ${i}: the ${k} header can't be set on a subrequest.`)
        }
        headers[k] = String(v)
      }
    }
    if (/\/(query|queryAll)(\/|\?|$)|\/composite\/sobjects/.test(url)) heavy += 1
    const sub: SubRequest = { method, url, referenceId, httpHeaders: headers }
    if (s.body !== undefined) sub.body = s.body
    return sub
  })
  if (heavy > MAX_QUERIES_AND_COLLECTIONS) {
    throw new ApiError(
      400,
      'LIMIT_EXCEEDED',
      `A composite request can have at most ${MAX_QUERIES_AND_COLLECTIONS} query or sObject Collections subrequests.`,
    )
  }
  const allOrNone = b.allOrNone === true
  return { allOrNone, subs }
}

const HALTED =
  'The transaction was rolled back since another operation in the same transaction failed.'

function halted(referenceId: string, message = HALTED): SubResult {
  return {
    body: [{ errorCode: 'PROCESSING_HALTED', message }],
    httpHeaders: {},
    httpStatusCode: 400,
    referenceId,
  }
}

/**
 * `POST /composite`: up to 25 sub-requests run in order (collateSubrequests is ignored, as if
 * false) as one API call, with `@{ref.path}` references. With allOrNone, a failure rolls back
 * everything and every other sub-request answers 400 PROCESSING_HALTED.
 */
export function compositeRoutes(state: OrgState, dispatch: Dispatch): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  app.on('POST', slash(`${V}/composite`), async (c) => {
    const ctx = requestContext(c, state)
    const { allOrNone, subs } = parseRequest(await readJson(c, state.maxBodyBytes))
    const env: OrgBindings = { [INTERNAL]: { caller: ctx.caller, session: c.get('session') } }
    const outcomes = new Map<string, SubOutcome>()
    const results: SubResult[] = []
    const tx = state.store.begin()
    let failed = -1
    for (const [index, sub] of subs.entries()) {
      if (allOrNone && failed >= 0) {
        results.push(halted(sub.referenceId))
        continue
      }
      let url: string
      let body: unknown
      try {
        url = resolveUrl(sub.url, outcomes)
        body = sub.body === undefined ? undefined : resolveBody(sub.body, outcomes)
      } catch (error) {
        if (!(error instanceof CompositeReferenceError)) throw error
        results.push(halted(sub.referenceId, error.message))
        outcomes.set(sub.referenceId, { ok: false, body: null })
        if (failed < 0) failed = index
        continue
      }
      const version = /^\/services\/data\/(v[^/]+)\//.exec(url)?.[1]
      const nested = /^\/services\/data\/v[^/]+\/composite\/?(\?|$)/.test(url)
      let result: SubResult
      if (!version || !parseVersion(version) || nested) {
        result = {
          body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
          httpHeaders: {},
          httpStatusCode: 404,
          referenceId: sub.referenceId,
        }
      } else {
        const init: RequestInit = {
          method: sub.method,
          headers: { ...sub.httpHeaders, 'content-type': 'application/json' },
        }
        if (body !== undefined && sub.method !== 'GET' && sub.method !== 'DELETE')
          init.body = JSON.stringify(body)
        const response = await dispatch(new Request(`${ctx.origin}${url}`, init), env)
        const text = await response.text()
        const location = response.headers.get('location')
        result = {
          body: text === '' ? null : (JSON.parse(text) as unknown),
          httpHeaders: location ? { Location: location } : {},
          httpStatusCode: response.status,
          referenceId: sub.referenceId,
        }
      }
      const ok = result.httpStatusCode < 400
      outcomes.set(sub.referenceId, { ok, body: result.body })
      results.push(result)
      if (!ok && failed < 0) failed = index
    }
    if (allOrNone && failed >= 0) {
      tx.rollback()
      state.changed()
      return sfJson(c, {
        compositeResponse: results.map((r, i) => (i === failed ? r : halted(r.referenceId))),
      })
    }
    tx.commit()
    return sfJson(c, { compositeResponse: results })
  })
  return app
}
