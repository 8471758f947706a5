import type {
  CachePlan,
  LookupResult,
  OfflineItem,
  QuickAction,
  SchemaResponse,
  SessionInfo,
  ViewResponse,
} from '@briefcase/protocol'
import {
  AUTHORIZATION,
  BULK_STREAM_TYPE,
  CACHE_PLAN_STREAM_TYPE,
  CachePlanStreamError,
  Route,
  RelayErrorCode,
  readCachePlanStream,
} from '@briefcase/protocol'
import {
  BriefcaseClientError,
  BriefcaseClientErrorCode,
  isBriefcaseClientError,
} from '../errors.js'

/** What a request told about the relay. */
export interface RelayOutcome {
  reachable: boolean
  /** Known only when the relay answered. */
  authenticated?: boolean
}

/** Options of {@link RelayApi}. */
export interface RelayApiOptions {
  baseUrl: URL
  fetch: typeof fetch
  /** The session token, or `null` when signed out. */
  token: () => string | null
  timeoutMs: number
  /** True while the client must not use the network (forced or browser offline). */
  offline: () => boolean
  onOutcome: (outcome: RelayOutcome) => void
}

interface RequestOptions {
  body?: BodyInit
  contentType?: string
  accept?: string
  signal?: AbortSignal | undefined
  token?: string
  /** The caller times the request itself (through `signal`). */
  untimed?: boolean
}

const UNAVAILABLE: ReadonlySet<number> = new Set([502, 503, 504])

/**
 * The relay's HTTP API (protocol routes). Every failure becomes a `BriefcaseClientError`:
 * network failures and timeouts are `BRIEFCASE_OFFLINE` (and mark the relay unreachable), 401 is
 * `BRIEFCASE_UNAUTHENTICATED`, other refusals carry the relay's code.
 */
export class RelayApi {
  readonly #o: RelayApiOptions

  constructor(options: RelayApiOptions) {
    this.#o = options
  }

  /** The absolute URL of a relay path. */
  url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.#o.baseUrl)
  }

  session(token?: string): Promise<SessionInfo> {
    return this.#json('GET', Route.session, token === undefined ? {} : { token })
  }

  async logout(): Promise<void> {
    await this.#request('POST', Route.logout, {})
  }

  /**
   * `POST /api/cache-plan`, streamed: `onRecords` hears how many records arrived so far. A relay
   * that answers the whole plan as JSON (older relays) is read as such.
   */
  async cachePlan(
    signal?: AbortSignal,
    onRecords?: (received: number) => void,
  ): Promise<CachePlan> {
    const chunks = await this.#stream('POST', Route.cachePlan, {
      body: '{}',
      contentType: 'application/json',
      accept: `${CACHE_PLAN_STREAM_TYPE}, application/json;q=0.5`,
      signal,
    })
    try {
      if (!(chunks.response.headers.get('content-type') ?? '').includes(CACHE_PLAN_STREAM_TYPE)) {
        const parts: Uint8Array[] = []
        for await (const c of chunks) parts.push(c)
        return JSON.parse(await new Blob(parts as Uint8Array<ArrayBuffer>[]).text()) as CachePlan
      }
      return await readCachePlanStream(chunks, onRecords)
    } catch (error) {
      if (error instanceof CachePlanStreamError) {
        throw new BriefcaseClientError(BriefcaseClientErrorCode.relayError, error.message, {
          relayCode: error.code,
          cause: error,
        })
      }
      signal?.throwIfAborted()
      if (isBriefcaseClientError(error)) throw error
      throw new BriefcaseClientError(
        BriefcaseClientErrorCode.offline,
        'The cache plan stopped before the relay sent all of it.',
        { cause: error },
      )
    }
  }

  schema(sobject: string): Promise<SchemaResponse> {
    return this.#json('GET', `${Route.schemas}/${encodeURIComponent(sobject)}`, {})
  }

  async offlineItems(): Promise<OfflineItem[]> {
    return listOf<OfflineItem>(await this.#json('GET', Route.offlineItems, {}), 'items')
  }

  async preferences(): Promise<string[]> {
    return listOf<string>(await this.#json('GET', Route.preferences, {}), 'items')
  }

  async savePreferences(items: readonly string[]): Promise<string[]> {
    const body = JSON.stringify({ items })
    const saved = await this.#json('PUT', Route.preferences, {
      body,
      contentType: 'application/json',
    })
    return listOf<string>(saved ?? { items }, 'items')
  }

  view(doc: string): Promise<ViewResponse> {
    return this.#json('POST', `${Route.records}/${doc}/view`, {})
  }

  async quickActions(): Promise<QuickAction[]> {
    return listOf<QuickAction>(await this.#json('GET', Route.quickActions, {}), 'actions')
  }

  async lookup(sobject: string, query: string): Promise<LookupResult[]> {
    const path = `${Route.lookup}/${encodeURIComponent(sobject)}?q=${encodeURIComponent(query)}`
    return listOf<LookupResult>(await this.#json('GET', path, {}), 'results')
  }

  /** The record with this Id, if the user may see it (`?id=`). */
  async lookupId(sobject: string, id: string): Promise<LookupResult | undefined> {
    const path = `${Route.lookup}/${encodeURIComponent(sobject)}?id=${encodeURIComponent(id)}`
    return listOf<LookupResult>(await this.#json('GET', path, {}), 'results')[0]
  }

  /** `POST /sync/bulk`: encoded request in, encoded response out. */
  async bulkSync(request: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    const response = await this.#request('POST', Route.bulkSync, {
      body: request as Uint8Array<ArrayBuffer>,
      contentType: 'application/octet-stream',
      signal,
    })
    return new Uint8Array(await response.arrayBuffer())
  }

  /**
   * `POST /sync/bulk/stream`: the request's frames in, the response's bytes out as they arrive.
   * The timeout applies to each wait (the answer's start, then each further part), not to the
   * whole response, which may take long for a large cache.
   */
  bulkStream(
    parts: readonly Uint8Array[],
    signal?: AbortSignal,
  ): Promise<AsyncIterable<Uint8Array>> {
    return this.#stream('POST', Route.bulkStream, {
      body: new Blob(parts as Uint8Array<ArrayBuffer>[]),
      contentType: BULK_STREAM_TYPE,
      signal,
    })
  }

  /**
   * A request whose answer is read as it arrives. The timeout applies to each wait (the answer's
   * start, then each further part), not to the whole response, which may take long.
   */
  async #stream(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<AsyncIterable<Uint8Array> & { response: Response }> {
    const idle = new AbortController()
    let timer = setTimeout(() => idle.abort(timeoutError()), this.#o.timeoutMs)
    const { signal } = options
    const response = await this.#request(method, path, {
      ...options,
      signal: signal ? AbortSignal.any([signal, idle.signal]) : idle.signal,
      untimed: true,
    }).catch((error: unknown) => {
      clearTimeout(timer)
      throw error
    })
    const body = response.body
    if (!body) {
      clearTimeout(timer)
      throw new BriefcaseClientError(
        BriefcaseClientErrorCode.relayError,
        `Empty answer to ${method} ${path}.`,
      )
    }
    const timeoutMs = this.#o.timeoutMs
    const chunks = (async function* () {
      const reader = body.getReader()
      try {
        for (;;) {
          clearTimeout(timer)
          timer = setTimeout(() => idle.abort(timeoutError()), timeoutMs)
          const { done, value } = await reader.read()
          if (done) return
          yield value
        }
      } finally {
        clearTimeout(timer)
        reader.releaseLock()
      }
    })()
    return Object.assign(chunks, { response })
  }

  async #json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const response = await this.#request(method, path, options)
    const text = await response.text()
    return (text === '' ? null : JSON.parse(text)) as T
  }

  async #request(method: string, path: string, options: RequestOptions): Promise<Response> {
    if (this.#o.offline()) {
      throw new BriefcaseClientError(BriefcaseClientErrorCode.offline, 'The client is offline.')
    }
    const token = options.token ?? this.#o.token()
    if (token === null) {
      throw new BriefcaseClientError(BriefcaseClientErrorCode.unauthenticated, 'Not signed in.')
    }
    const headers: Record<string, string> = { [AUTHORIZATION]: `Bearer ${token}` }
    if (options.contentType) headers['content-type'] = options.contentType
    if (options.accept) headers.accept = options.accept
    const timeout = options.untimed ? undefined : AbortSignal.timeout(this.#o.timeoutMs)
    const signal =
      options.signal && timeout
        ? AbortSignal.any([options.signal, timeout])
        : (timeout ?? options.signal)
    let response: Response
    try {
      const init: RequestInit = { method, headers }
      if (signal) init.signal = signal
      if (options.body !== undefined) init.body = options.body
      response = await this.#o.fetch(this.url(path), init)
    } catch (cause) {
      options.signal?.throwIfAborted()
      this.#o.onOutcome({ reachable: false })
      throw new BriefcaseClientError(
        BriefcaseClientErrorCode.offline,
        `The relay cannot be reached (${method} ${path}).`,
        { cause },
      )
    }
    if (response.ok) {
      this.#o.onOutcome({ reachable: true, authenticated: true })
      return response
    }
    throw await this.#failure(response, method, path)
  }

  async #failure(response: Response, method: string, path: string): Promise<BriefcaseClientError> {
    const status = response.status
    if (UNAVAILABLE.has(status)) {
      this.#o.onOutcome({ reachable: false })
      return new BriefcaseClientError(
        BriefcaseClientErrorCode.offline,
        `The relay is unavailable (${status} on ${method} ${path}).`,
        { status },
      )
    }
    const body = await response.text().catch(() => '')
    let relayCode: string | undefined
    let message = `${method} ${path} failed with ${status}.`
    try {
      const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }
      if (typeof parsed.error?.code === 'string') relayCode = parsed.error.code
      if (typeof parsed.error?.message === 'string') message = parsed.error.message
    } catch {
      // Not a relay error body: keep the generic message.
    }
    const unauthenticated =
      status === 401 ||
      relayCode === RelayErrorCode.unauthenticated ||
      relayCode === RelayErrorCode.sessionExpired
    this.#o.onOutcome({ reachable: true, authenticated: !unauthenticated })
    const code = unauthenticated
      ? BriefcaseClientErrorCode.unauthenticated
      : relayCode === RelayErrorCode.tooManyPreferences
        ? BriefcaseClientErrorCode.tooManyPreferences
        : BriefcaseClientErrorCode.relayError
    return new BriefcaseClientError(code, message, {
      status,
      ...(relayCode === undefined ? {} : { relayCode }),
    })
  }
}

function timeoutError(): DOMException {
  return new DOMException('The relay did not answer in time.', 'TimeoutError')
}

/** A list the relay returned either bare or wrapped in an object under `key`. */
function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[]
  if (typeof body === 'object' && body !== null) {
    const inner = (body as Record<string, unknown>)[key]
    if (Array.isArray(inner)) return inner as T[]
  }
  return []
}
