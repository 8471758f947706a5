import { toSalesforceId } from '../ids.js'
import type { ObjectDef, StoredRecord, StoredValue } from '../schema/types.js'
import type { RequestContext } from '../state.js'
import type { CompareOp, Condition, Literal } from './ast.js'
import { dateLiteralRange } from './date-literals.js'
import { soqlError } from './errors.js'
import { resolvePath, valueOf, type ResolvedPath } from './resolve.js'

/** A compiled WHERE clause. */
export type Predicate = (record: Readonly<StoredRecord>) => boolean

type Category = 'text' | 'id' | 'number' | 'boolean' | 'date' | 'datetime'

/** A literal in the field's own terms: one value, or a date range `[start, end)`. */
type Operand =
  { kind: 'value'; value: StoredValue } | { kind: 'range'; start: StoredValue; end: StoredValue }

function category(path: ResolvedPath): Category {
  switch (path.field.type) {
    case 'id':
    case 'reference':
      return 'id'
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'date':
      return 'date'
    case 'datetime':
      return 'datetime'
    default:
      return 'text'
  }
}

const TYPE_NAMES: Record<Category, string> = {
  text: 'string',
  id: 'string',
  number: 'double',
  boolean: 'boolean',
  date: 'date',
  datetime: 'dateTime',
}

/** Compares two non-null values of one category (text case-insensitively, as SOQL does). */
export function compareValues(a: StoredValue, b: StoredValue): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase()
    const y = b.toLowerCase()
    return x < y ? -1 : x > y ? 1 : 0
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return String(a).localeCompare(String(b))
}

function likeRegex(pattern: string): RegExp {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i)
    if (c === '\\' && (pattern.charAt(i + 1) === '%' || pattern.charAt(i + 1) === '_')) {
      out += pattern.charAt(i + 1)
      i += 1
    } else if (c === '%') out += '[\\s\\S]*'
    else if (c === '_') out += '[\\s\\S]'
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`, 'i')
}

class Compiler {
  constructor(
    private readonly ctx: RequestContext,
    private readonly root: ObjectDef,
    private readonly soql: string,
  ) {}

  private mismatch(path: ResolvedPath, literal: Literal, cat: Category): never {
    const quoted =
      cat === 'text' || cat === 'id'
        ? 'should be enclosed in quotes'
        : 'should not be enclosed in quotes'
    throw soqlError(
      'INVALID_QUERY_FILTER_OPERATOR',
      this.soql,
      literal.pos,
      `value of filter criterion for field '${path.field.name}' must be of type ${TYPE_NAMES[cat]} and ${quoted}`,
    )
  }

  private operand(path: ResolvedPath, literal: Literal): Operand {
    const cat = category(path)
    if (literal.kind === 'null') return { kind: 'value', value: null }
    switch (cat) {
      case 'text':
        if (literal.kind !== 'string') this.mismatch(path, literal, cat)
        return { kind: 'value', value: literal.value }
      case 'id': {
        if (literal.kind !== 'string') this.mismatch(path, literal, cat)
        const id = toSalesforceId(literal.value)
        if (!id) {
          throw soqlError(
            'INVALID_QUERY_FILTER_OPERATOR',
            this.soql,
            literal.pos,
            `invalid ID field: ${literal.value}`,
          )
        }
        return { kind: 'value', value: id }
      }
      case 'number':
        if (literal.kind !== 'number') this.mismatch(path, literal, cat)
        return { kind: 'value', value: literal.value }
      case 'boolean':
        if (literal.kind !== 'boolean') this.mismatch(path, literal, cat)
        return { kind: 'value', value: literal.value }
      case 'date':
      case 'datetime': {
        if (literal.kind === 'dateLiteral') {
          const r = dateLiteralRange(literal.name, literal.n, this.ctx.now)
          if (cat === 'date') return { kind: 'range', start: r.start, end: r.end }
          return {
            kind: 'range',
            start: Date.parse(`${r.start}T00:00:00Z`),
            end: Date.parse(`${r.end}T00:00:00Z`),
          }
        }
        if (cat === 'date' && literal.kind === 'date')
          return { kind: 'value', value: literal.value }
        if (cat === 'datetime' && literal.kind === 'datetime')
          return { kind: 'value', value: literal.value }
        return this.mismatch(path, literal, cat)
      }
    }
  }

  private path(cond: { field: { path: readonly string[]; pos: number } }): ResolvedPath {
    const path = resolvePath(this.ctx, this.root, cond.field, this.soql)
    if (!path.field.filterable) {
      throw soqlError(
        'INVALID_FIELD',
        this.soql,
        path.pos,
        `field '${path.field.name}' can not be filtered in a query call`,
      )
    }
    return path
  }

  private compare(
    path: ResolvedPath,
    op: CompareOp,
    operand: Operand,
    pos: number,
  ): (v: StoredValue) => boolean {
    const cat = category(path)
    if (cat === 'boolean' && op !== '=' && op !== '!=') {
      throw soqlError(
        'INVALID_QUERY_FILTER_OPERATOR',
        this.soql,
        pos,
        `invalid operator on boolean field: ${op}`,
      )
    }
    if (operand.kind === 'range') {
      const { start, end } = operand
      const inRange = (v: StoredValue): boolean =>
        v !== null && compareValues(v, start) >= 0 && compareValues(v, end) < 0
      switch (op) {
        case '=':
          return inRange
        case '!=':
          return (v) => !inRange(v)
        case '<':
          return (v) => v !== null && compareValues(v, start) < 0
        case '<=':
          return (v) => v !== null && compareValues(v, end) < 0
        case '>':
          return (v) => v !== null && compareValues(v, end) >= 0
        case '>=':
          return (v) => v !== null && compareValues(v, start) >= 0
        default:
          throw soqlError(
            'INVALID_QUERY_FILTER_OPERATOR',
            this.soql,
            pos,
            `invalid operator on date field: ${op}`,
          )
      }
    }
    const target = operand.value
    const eq = (v: StoredValue): boolean =>
      v === null || target === null ? v === target : compareValues(v, target) === 0
    switch (op) {
      case '=':
        return eq
      case '!=':
        return (v) => !eq(v)
      case 'LIKE': {
        if (cat !== 'text' || typeof target !== 'string') {
          throw soqlError(
            'INVALID_QUERY_FILTER_OPERATOR',
            this.soql,
            pos,
            `invalid operator on field '${path.field.name}': LIKE`,
          )
        }
        const re = likeRegex(target)
        return (v) => typeof v === 'string' && re.test(v)
      }
      default: {
        const sign = op
        return (v) => {
          if (v === null || target === null) return false
          const c = compareValues(v, target)
          return sign === '<' ? c < 0 : sign === '<=' ? c <= 0 : sign === '>' ? c > 0 : c >= 0
        }
      }
    }
  }

  compile(cond: Condition): Predicate {
    switch (cond.kind) {
      case 'and': {
        const parts = cond.items.map((c) => this.compile(c))
        return (r) => parts.every((p) => p(r))
      }
      case 'or': {
        const parts = cond.items.map((c) => this.compile(c))
        return (r) => parts.some((p) => p(r))
      }
      case 'not': {
        const inner = this.compile(cond.item)
        return (r) => !inner(r)
      }
      case 'includes':
        throw soqlError(
          'INVALID_QUERY_FILTER_OPERATOR',
          this.soql,
          cond.pos,
          'INCLUDES and EXCLUDES are only valid on multi-select picklist fields',
        )
      case 'compare': {
        const path = this.path(cond)
        const test = this.compare(path, cond.op, this.operand(path, cond.value), cond.pos)
        return (r) => test(valueOf(this.ctx, r, path))
      }
      case 'in': {
        const path = this.path(cond)
        const tests = cond.values.map((lit) =>
          this.compare(path, '=', this.operand(path, lit), cond.pos),
        )
        return (r) => {
          const v = valueOf(this.ctx, r, path)
          const hit = tests.some((t) => t(v))
          return cond.negated ? !hit : hit
        }
      }
    }
  }
}

/** Compiles a WHERE condition; type mismatches answer INVALID_QUERY_FILTER_OPERATOR. */
export function compileWhere(
  ctx: RequestContext,
  root: ObjectDef,
  cond: Condition,
  soql: string,
): Predicate {
  return new Compiler(ctx, root, soql).compile(cond)
}
