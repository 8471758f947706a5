/** A field path as written (`Account.Owner.Name` → ['Account', 'Owner', 'Name']). */
export interface FieldRef {
  readonly path: readonly string[]
  readonly pos: number
}

/** One item of the SELECT list: a field path, COUNT(), or a child relationship subquery. */
export type SelectItem =
  | ({ kind: 'field' } & FieldRef)
  | { kind: 'count'; pos: number }
  | { kind: 'subquery'; query: SelectQuery; pos: number }

/** A literal on the right of a comparison. */
export type Literal =
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'null'; pos: number }
  | { kind: 'date'; value: string; pos: number }
  | { kind: 'datetime'; value: number; pos: number }
  | { kind: 'dateLiteral'; name: string; n: number | null; pos: number }

/** Comparison operators (`<>` is read as `!=`). */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE'

/** A WHERE condition. */
export type Condition =
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: Literal; pos: number }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: Literal[]; pos: number }
  | { kind: 'includes'; field: FieldRef; pos: number }

/** One ORDER BY item. */
export interface OrderItem {
  readonly field: FieldRef
  readonly descending: boolean
  readonly nullsLast: boolean
}

/** A parsed SELECT statement. */
export interface SelectQuery {
  readonly soql: string
  readonly select: SelectItem[]
  readonly from: { name: string; pos: number }
  readonly scope: 'mine' | 'everything' | null
  readonly where: Condition | null
  readonly orderBy: OrderItem[]
  readonly limit: number | null
  readonly offset: number | null
  readonly forView: boolean
  readonly forReference: boolean
}
