import { createHash } from 'node:crypto'
import { RelayErrorCode } from '@briefcase/protocol'
import type { DescribeField, FieldSchema, ObjectSchema } from '@briefcase/record'
import { isSObjectName, schemaFromDescribe } from '@briefcase/record'
import { RelayError } from '../errors.js'
import type { FieldGroupRecord } from '../store/relay-store.js'
import type { SalesforceSessions } from './connections.js'
import { fromSalesforceError, salesforceErrorCode } from './salesforce-errors.js'

/** An object as one user sees it: their readable fields, their rights, their view's group. */
export interface ObjectView {
  sobject: string
  label: string
  labelPlural: string
  /** The field holding a record's display name. */
  nameField: string | null
  createable: boolean
  updateable: boolean
  deletable: boolean
  /** The readable fields as a record schema, with the user's createable/updateable flags. */
  schema: ObjectSchema
  /** The user's view: their readable fields (shared by every user who reads the same fields). */
  group: FieldGroupRecord
  /** True when the user may write the field: createable when `creating`, else updateable. */
  editable(field: string, creating: boolean): boolean
}

/** The part of jsforce's describe result the relay reads. */
interface Describe {
  name: string
  label: string
  labelPlural: string
  createable: boolean
  updateable: boolean
  deletable: boolean
  fields: (DescribeField & { nameField?: boolean })[]
}

/** Options of {@link ObjectViews}. */
export interface ObjectViewsOptions {
  sessions: SalesforceSessions
  now: () => number
  /** How long a user's describe is trusted (default 10 minutes). */
  ttlMs?: number
  /** Fields devices never write (the draft-key external Id, captured facts). */
  readOnlyFields?: (sobject: string) => ReadonlySet<string>
}

/** Fields whose value depends on who reads them: they never go into a shared document. */
const PER_USER_FIELDS: ReadonlySet<string> = new Set(['LastViewedDate', 'LastReferencedDate'])

/** The group id of a set of readable fields: a short hash of their sorted names and types. */
export function fieldGroupId(sobject: string, fields: readonly FieldSchema[]): string {
  const text = [sobject, ...fields.map((f) => `${f.name}:${f.type}`).sort()].join('\n')
  return createHash('sha256').update(text).digest('base64url').slice(0, 16)
}

function withoutRights(schema: ObjectSchema): ObjectSchema {
  const fields: Record<string, FieldSchema> = {}
  for (const [name, f] of Object.entries(schema.fields)) {
    const rest: FieldSchema = { ...f }
    delete rest.createable
    delete rest.updateable
    fields[name] = rest
  }
  return { name: schema.name, fields }
}

/**
 * Describes objects per user (cached), and derives what the relay needs from the describe: the
 * user's record schema, their write rights and their field-visibility group.
 */
export class ObjectViews {
  readonly #sessions: SalesforceSessions
  readonly #now: () => number
  readonly #ttl: number
  readonly #readOnly: (sobject: string) => ReadonlySet<string>
  readonly #cache = new Map<string, { at: number; view: Promise<ObjectView> }>()

  constructor(options: ObjectViewsOptions) {
    this.#sessions = options.sessions
    this.#now = options.now
    this.#ttl = options.ttlMs ?? 600_000
    this.#readOnly = options.readOnlyFields ?? (() => new Set())
  }

  /**
   * The object as `userId` sees it. Throws `BRIEFCASE_NOT_FOUND` for an object the org does not
   * have (or hides from the user).
   */
  viewFor(userId: string, sobject: string): Promise<ObjectView> {
    if (!isSObjectName(sobject)) {
      return Promise.reject(
        new RelayError(RelayErrorCode.invalidName, `Not an object name: ${String(sobject)}`),
      )
    }
    const k = `${userId}|${sobject}`
    const cached = this.#cache.get(k)
    if (cached && this.#now() - cached.at < this.#ttl) return cached.view
    const view = this.#describe(userId, sobject)
    this.#cache.set(k, { at: this.#now(), view })
    view.catch(() => this.#cache.delete(k))
    return view
  }

  /** Forgets a user's describes (after sign-in, so new permissions show). */
  forgetUser(userId: string): void {
    for (const k of [...this.#cache.keys()]) if (k.startsWith(`${userId}|`)) this.#cache.delete(k)
  }

  async #describe(userId: string, sobject: string): Promise<ObjectView> {
    const conn = await this.#sessions.connectionFor(userId)
    let d: Describe
    try {
      d = (await conn.describe(sobject)) as unknown as Describe
    } catch (error) {
      const code = salesforceErrorCode(error)
      if (code === 'NOT_FOUND' || code === 'INVALID_TYPE') {
        throw new RelayError(RelayErrorCode.notFound, `No object ${sobject} in the org.`, {
          cause: error,
        })
      }
      throw fromSalesforceError(error, `describing ${sobject}`)
    }
    const readOnly = this.#readOnly(d.name)
    const base = schemaFromDescribe({ name: d.name, fields: d.fields })
    const fields: Record<string, FieldSchema> = {}
    for (const [name, f] of Object.entries(base.fields)) {
      if (PER_USER_FIELDS.has(name)) continue
      fields[name] = readOnly.has(name) ? { ...f, createable: false, updateable: false } : f
    }
    const schema: ObjectSchema = { name: d.name, fields }
    const group: FieldGroupRecord = {
      id: fieldGroupId(d.name, Object.values(fields)),
      sobject: d.name,
      schema: withoutRights(schema),
      nameField: d.fields.find((f) => f.nameField === true)?.name ?? null,
    }
    return {
      sobject: d.name,
      label: d.label,
      labelPlural: d.labelPlural,
      nameField: group.nameField,
      createable: d.createable,
      updateable: d.updateable,
      deletable: d.deletable,
      schema,
      group,
      editable(field, creating) {
        const f = Object.hasOwn(fields, field) ? fields[field] : undefined
        if (!f) return false
        return creating
          ? d.createable && f.createable !== false
          : d.updateable && f.updateable !== false
      },
    }
  }
}
