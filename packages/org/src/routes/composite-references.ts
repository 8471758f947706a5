/** A sub-request's outcome, as later references see it. */
export interface SubOutcome {
  readonly ok: boolean
  readonly body: unknown
}

/** A reference that could not be resolved (the sub-request answers PROCESSING_HALTED). */
export class CompositeReferenceError extends Error {
  override readonly name = 'CompositeReferenceError' as const
}

const REFERENCE = /@\{([^}]*)\}/g
const WHOLE = /^@\{([^}]*)\}$/
const REFERENCE_ID = /^[A-Za-z0-9][A-Za-z0-9_]*$/

/** True for a legal `referenceId` (letters, digits, underscores; starting with a letter or digit). */
export function isReferenceId(value: string): boolean {
  return REFERENCE_ID.test(value)
}

function lookup(expression: string, outcomes: ReadonlyMap<string, SubOutcome>): unknown {
  const m = /^([A-Za-z0-9][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+|\[\d+\])*)$/.exec(expression)
  const refId = m?.[1]
  const source = refId === undefined ? undefined : outcomes.get(refId)
  const halt = (): never => {
    throw new CompositeReferenceError(
      `Invalid reference specified. No value for ${expression} found in ${refId ?? expression}.`,
    )
  }
  if (!m || !source || !source.ok) return halt()
  let node: unknown = source.body
  for (const step of (m[2] ?? '').match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    const key: string | number = step.startsWith('[') ? Number(step.slice(1, -1)) : step.slice(1)
    if (typeof node !== 'object' || node === null) return halt()
    const container = node as Record<string | number, unknown>
    if (!(key in container)) return halt()
    node = container[key]
  }
  return node
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new CompositeReferenceError('A reference must resolve to a value, not an object.')
}

/** Replaces `@{ref.path}` in a URL (values URL-encoded). */
export function resolveUrl(url: string, outcomes: ReadonlyMap<string, SubOutcome>): string {
  return url.replace(REFERENCE, (_all, expr: string) =>
    encodeURIComponent(scalar(lookup(expr, outcomes))),
  )
}

/** Replaces `@{ref.path}` in every string of a JSON body; a string that is only a reference takes the value's type. */
export function resolveBody(body: unknown, outcomes: ReadonlyMap<string, SubOutcome>): unknown {
  if (typeof body === 'string') {
    const whole = WHOLE.exec(body)
    if (whole?.[1] !== undefined) {
      const value = lookup(whole[1], outcomes)
      if (typeof value === 'object' && value !== null) {
        throw new CompositeReferenceError('A reference must resolve to a value, not an object.')
      }
      return value
    }
    return body.replace(REFERENCE, (_all, expr: string) => scalar(lookup(expr, outcomes)))
  }
  if (Array.isArray(body)) return body.map((item) => resolveBody(item, outcomes))
  if (typeof body === 'object' && body !== null) {
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, resolveBody(v, outcomes)]))
  }
  return body
}
