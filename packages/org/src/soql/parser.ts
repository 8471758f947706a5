import type {
  CompareOp,
  Condition,
  FieldRef,
  Literal,
  OrderItem,
  SelectItem,
  SelectQuery,
} from './ast.js'
import { malformed } from './errors.js'
import { tokenize, type Token } from './lexer.js'
import { isDateLiteral, dateLiteralTakesN } from './date-literals.js'

const UNSUPPORTED_CLAUSES: Record<string, string> = {
  GROUP: 'GROUP BY',
  HAVING: 'HAVING',
  WITH: 'WITH',
  TYPEOF: 'TYPEOF',
  UPDATE: 'FOR UPDATE',
}

const AGGREGATES = new Set([
  'AVG',
  'SUM',
  'MIN',
  'MAX',
  'COUNT_DISTINCT',
  'TOLABEL',
  'FORMAT',
  'CONVERTCURRENCY',
  'CALENDAR_YEAR',
  'CALENDAR_MONTH',
  'DAY_ONLY',
  'GROUPING',
  'FIELDS',
  'DISTANCE',
  'GEOLOCATION',
])

class Parser {
  private i = 0
  constructor(
    private readonly soql: string,
    private readonly tokens: Token[],
  ) {}

  private get tok(): Token {
    return this.tokens[this.i] ?? { kind: 'eof', pos: this.soql.length }
  }

  private peek(offset = 1): Token {
    return this.tokens[this.i + offset] ?? { kind: 'eof', pos: this.soql.length }
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'end of query'
      case 'ident':
      case 'op':
      case 'punct':
        return t.text
      case 'string':
        return `'${t.value}'`
      case 'number':
      case 'datetime':
        return t.text
      case 'date':
        return t.value
    }
  }

  fail(t: Token = this.tok, detail?: string): never {
    throw malformed(this.soql, t.pos, detail ?? `unexpected token: ${this.describe(t)}`)
  }

  isWord(word: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.text.toUpperCase() === word
  }

  private isPunct(text: string, t: Token = this.tok): boolean {
    return t.kind === 'punct' && t.text === text
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) this.fail()
    this.i += 1
  }

  private expectPunct(text: string): void {
    if (!this.isPunct(text)) this.fail()
    this.i += 1
  }

  private unsupported(t: Token, what: string): never {
    this.fail(t, `${what} is not supported by this org emulator (briefcase org)`)
  }

  parse(): SelectQuery {
    const start = this.tok
    if (!this.isWord('SELECT')) this.fail(start)
    this.i += 1
    const select = this.selectList()
    this.expectWord('FROM')
    const fromTok = this.tok
    if (fromTok.kind !== 'ident') this.fail()
    this.i += 1
    if (this.tok.kind === 'ident' && !this.isClauseWord())
      this.unsupported(this.tok, 'An object alias')
    let scope: SelectQuery['scope'] = null
    if (this.isWord('USING')) {
      this.i += 1
      this.expectWord('SCOPE')
      const s = this.tok
      if (this.isWord('MINE')) scope = 'mine'
      else if (this.isWord('EVERYTHING')) scope = 'everything'
      else if (s.kind === 'ident') this.unsupported(s, `USING SCOPE ${s.text}`)
      else this.fail()
      this.i += 1
    }
    let where: Condition | null = null
    if (this.isWord('WHERE')) {
      this.i += 1
      where = this.condition()
    }
    this.rejectUnsupportedClause()
    const orderBy: OrderItem[] = []
    if (this.isWord('ORDER')) {
      this.i += 1
      this.expectWord('BY')
      do {
        if (orderBy.length > 0) this.i += 1
        orderBy.push(this.orderItem())
      } while (this.isPunct(','))
    }
    this.rejectUnsupportedClause()
    const limit = this.isWord('LIMIT') ? this.integerAfter() : null
    const offset = this.isWord('OFFSET') ? this.integerAfter() : null
    let forView = false
    let forReference = false
    if (this.isWord('FOR')) {
      this.i += 1
      if (this.isWord('VIEW')) forView = true
      else if (this.isWord('REFERENCE')) forReference = true
      else if (this.isWord('UPDATE')) this.unsupported(this.tok, 'FOR UPDATE')
      else this.fail()
      this.i += 1
    }
    this.rejectUnsupportedClause()
    if (this.tok.kind !== 'eof') this.fail()
    return {
      soql: this.soql,
      select,
      from: { name: fromTok.text, pos: fromTok.pos },
      scope,
      where,
      orderBy,
      limit,
      offset,
      forView,
      forReference,
    }
  }

  private isClauseWord(): boolean {
    return ['USING', 'WHERE', 'ORDER', 'LIMIT', 'OFFSET', 'FOR', 'GROUP', 'HAVING', 'WITH'].some(
      (w) => this.isWord(w),
    )
  }

  private rejectUnsupportedClause(): void {
    const t = this.tok
    if (t.kind !== 'ident') return
    const what = UNSUPPORTED_CLAUSES[t.text.toUpperCase()]
    if (what) this.unsupported(t, what)
  }

  private integerAfter(): number {
    this.i += 1
    const t = this.tok
    if (t.kind !== 'number' || !Number.isInteger(t.value) || t.value < 0) this.fail()
    this.i += 1
    return t.value
  }

  private selectList(nested = false): SelectItem[] {
    const items: SelectItem[] = []
    for (;;) {
      const t = this.tok
      if (this.isPunct('(')) {
        if (!this.isWord('SELECT', this.peek())) this.fail()
        if (nested) this.unsupported(t, 'A subquery inside a subquery')
        items.push({ kind: 'subquery', query: this.subquery(), pos: t.pos })
        if (!this.isPunct(',')) break
        this.i += 1
        continue
      }
      if (t.kind !== 'ident') this.fail()
      if (this.isPunct('(', this.peek())) {
        const name = t.text.toUpperCase()
        if (name === 'COUNT' && this.isPunct(')', this.peek(2))) {
          items.push({ kind: 'count', pos: t.pos })
          this.i += 3
        } else if (name === 'COUNT' || AGGREGATES.has(name)) {
          this.unsupported(t, `${t.text}() in SELECT`)
        } else {
          this.fail(t, `Unknown function: ${t.text}`)
        }
      } else {
        if (this.isWord('FROM') && items.length === 0) this.fail()
        items.push({ kind: 'field', ...this.fieldRef() })
        if (this.tok.kind === 'ident' && !this.isWord('FROM'))
          this.unsupported(this.tok, 'A field alias')
      }
      if (!this.isPunct(',')) break
      this.i += 1
    }
    if (items.some((s) => s.kind === 'count') && items.length > 1) {
      this.fail(this.tok, 'COUNT() must be the only element in the SELECT list')
    }
    return items
  }

  /** `(SELECT fields FROM ChildRelationship [WHERE …] [ORDER BY …] [LIMIT n])`. */
  private subquery(): SelectQuery {
    this.expectPunct('(')
    this.expectWord('SELECT')
    const select = this.selectList(true)
    if (select.some((s) => s.kind === 'count')) this.unsupported(this.tok, 'COUNT() in a subquery')
    this.expectWord('FROM')
    const fromTok = this.tok
    if (fromTok.kind !== 'ident') this.fail()
    this.i += 1
    let where: Condition | null = null
    if (this.isWord('WHERE')) {
      this.i += 1
      where = this.condition()
    }
    this.rejectUnsupportedClause()
    const orderBy: OrderItem[] = []
    if (this.isWord('ORDER')) {
      this.i += 1
      this.expectWord('BY')
      do {
        if (orderBy.length > 0) this.i += 1
        orderBy.push(this.orderItem())
      } while (this.isPunct(','))
    }
    const limit = this.isWord('LIMIT') ? this.integerAfter() : null
    this.rejectUnsupportedClause()
    this.expectPunct(')')
    return {
      soql: this.soql,
      select,
      from: { name: fromTok.text, pos: fromTok.pos },
      scope: null,
      where,
      orderBy,
      limit,
      offset: null,
      forView: false,
      forReference: false,
    }
  }

  private fieldRef(): FieldRef {
    const t = this.tok
    if (t.kind !== 'ident') this.fail()
    const path = [t.text]
    this.i += 1
    while (this.isPunct('.')) {
      this.i += 1
      const next = this.tok
      if (next.kind !== 'ident') this.fail()
      path.push(next.text)
      this.i += 1
    }
    return { path, pos: t.pos }
  }

  private orderItem(): OrderItem {
    const field = this.fieldRef()
    let descending = false
    if (this.isWord('ASC')) this.i += 1
    else if (this.isWord('DESC')) {
      descending = true
      this.i += 1
    }
    let nullsLast = descending
    if (this.isWord('NULLS')) {
      this.i += 1
      if (this.isWord('FIRST')) nullsLast = false
      else if (this.isWord('LAST')) nullsLast = true
      else this.fail()
      this.i += 1
    }
    return { field, descending, nullsLast }
  }

  /** A condition: terms joined by one of AND / OR (mixing needs parentheses, as in SOQL). */
  private condition(): Condition {
    const first = this.term()
    const items = [first]
    let joiner: 'AND' | 'OR' | null = null
    while (this.isWord('AND') || this.isWord('OR')) {
      const word = this.isWord('AND') ? 'AND' : 'OR'
      if (joiner && joiner !== word) this.fail()
      joiner = word
      this.i += 1
      items.push(this.term())
    }
    if (!joiner) return first
    return joiner === 'AND' ? { kind: 'and', items } : { kind: 'or', items }
  }

  private term(): Condition {
    if (this.isWord('NOT')) {
      this.i += 1
      return { kind: 'not', item: this.term() }
    }
    if (this.isPunct('(')) {
      if (this.isWord('SELECT', this.peek())) this.unsupported(this.tok, 'A subquery')
      this.i += 1
      const inner = this.condition()
      this.expectPunct(')')
      return inner
    }
    const field = this.fieldRef()
    const t = this.tok
    if (t.kind === 'op') {
      this.i += 1
      return { kind: 'compare', field, op: t.text, value: this.literal(), pos: t.pos }
    }
    if (this.isWord('LIKE')) {
      this.i += 1
      return { kind: 'compare', field, op: 'LIKE' as CompareOp, value: this.literal(), pos: t.pos }
    }
    if (this.isWord('IN') || (this.isWord('NOT') && this.isWord('IN', this.peek()))) {
      const negated = this.isWord('NOT')
      this.i += negated ? 2 : 1
      return { kind: 'in', field, negated, values: this.literalList(), pos: t.pos }
    }
    if (this.isWord('INCLUDES') || this.isWord('EXCLUDES')) {
      this.i += 1
      this.literalList()
      return { kind: 'includes', field, pos: t.pos }
    }
    return this.fail()
  }

  private literalList(): Literal[] {
    const open = this.tok
    this.expectPunct('(')
    if (this.isWord('SELECT')) this.unsupported(open, 'A semi-join subquery')
    const values: Literal[] = []
    for (;;) {
      values.push(this.literal())
      if (this.isPunct(')')) break
      this.expectPunct(',')
    }
    this.i += 1
    return values
  }

  private literal(): Literal {
    const t = this.tok
    this.i += 1
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.value, pos: t.pos }
      case 'number':
        return { kind: 'number', value: t.value, pos: t.pos }
      case 'date':
        return { kind: 'date', value: t.value, pos: t.pos }
      case 'datetime':
        return { kind: 'datetime', value: t.value, pos: t.pos }
      case 'punct':
        if (t.text === ':') this.unsupported(t, 'A bind variable')
        return this.fail(t)
      case 'ident': {
        const word = t.text.toUpperCase()
        if (word === 'NULL') return { kind: 'null', pos: t.pos }
        if (word === 'TRUE' || word === 'FALSE')
          return { kind: 'boolean', value: word === 'TRUE', pos: t.pos }
        if (!isDateLiteral(word)) return this.fail(t)
        if (!dateLiteralTakesN(word))
          return { kind: 'dateLiteral', name: word, n: null, pos: t.pos }
        this.expectPunct(':')
        const n = this.tok
        if (n.kind !== 'number' || !Number.isInteger(n.value) || n.value < 0) return this.fail()
        this.i += 1
        return { kind: 'dateLiteral', name: word, n: n.value, pos: t.pos }
      }
      default:
        return this.fail(t)
    }
  }
}

/** Parses a SOQL SELECT; anything outside the supported subset answers MALFORMED_QUERY. */
export function parseSoql(soql: string): SelectQuery {
  if (soql.trim() === '') throw malformed(soql, 0, 'unexpected token: end of query')
  return new Parser(soql, tokenize(soql)).parse()
}
