import { accountObject } from './account.js'
import { caseObject } from './case.js'
import { contactObject } from './contact.js'
import { eventObject } from './event.js'
import { leadObject } from './lead.js'
import { opportunityObject } from './opportunity.js'
import { dashboardObject, profileObject } from './setup-objects.js'
import { siteVisitObject } from './site-visit.js'
import { taskObject } from './task.js'
import type { FieldDef, ObjectDef } from './types.js'
import { userObject } from './user.js'

/** A child relationship as describe reports it (`Account.Contacts` ← `Contact.AccountId`). */
export interface ChildRelationship {
  readonly childSObject: string
  readonly field: string
  readonly relationshipName: string | null
  readonly cascadeDelete: boolean
}

/** The org's objects, looked up by name (case-insensitive) or key prefix. */
export interface Schema {
  readonly objects: readonly ObjectDef[]
  object(name: string): ObjectDef | undefined
  byPrefix(prefix: string): ObjectDef | undefined
  field(object: ObjectDef, name: string): FieldDef | undefined
  /** The field whose relationshipName is `name` (case-insensitive), e.g. `Account` → AccountId. */
  relationship(object: ObjectDef, name: string): FieldDef | undefined
  children(object: ObjectDef): readonly ChildRelationship[]
}

/** Objects whose records go with their parent Account when it is deleted. */
const CASCADE: ReadonlySet<string> = new Set([
  'Contact.AccountId',
  'Opportunity.AccountId',
  'Case.AccountId',
  'Task.WhatId',
  'Task.WhoId',
  'Event.WhatId',
  'Event.WhoId',
])

const SYSTEM_REFERENCES: ReadonlySet<string> = new Set(['CreatedById', 'LastModifiedById'])

function childName(child: ObjectDef, ref: FieldDef): string {
  if (child.name === 'Account' && ref.name === 'ParentId') return 'ChildAccounts'
  if (child.name === 'User' && ref.name === 'ManagerId') return 'ManagedUsers'
  if (ref.custom) return `${child.labelPlural.replace(/\s+/g, '_')}__r`
  return child.labelPlural.replace(/\s+/g, '')
}

/** Builds the schema of the org's objects. */
export function createSchema(): Schema {
  const objects: readonly ObjectDef[] = [
    accountObject,
    contactObject,
    opportunityObject,
    leadObject,
    caseObject,
    taskObject,
    eventObject,
    siteVisitObject,
    userObject,
    profileObject,
    dashboardObject,
  ]
  const byName = new Map(objects.map((o) => [o.name.toLowerCase(), o]))
  const byPrefix = new Map(objects.map((o) => [o.keyPrefix, o]))
  const fieldMaps = new Map(
    objects.map((o) => [o.name, new Map(o.fields.map((f) => [f.name.toLowerCase(), f]))]),
  )
  const relMaps = new Map(
    objects.map((o) => [
      o.name,
      new Map(
        o.fields
          .filter((f) => f.relationshipName !== null)
          .map((f) => [(f.relationshipName ?? '').toLowerCase(), f]),
      ),
    ]),
  )
  const children = new Map<string, ChildRelationship[]>()
  for (const child of objects) {
    for (const f of child.fields) {
      if (f.type !== 'reference' || SYSTEM_REFERENCES.has(f.name)) continue
      for (const parent of f.referenceTo) {
        const list = children.get(parent) ?? []
        list.push({
          childSObject: child.name,
          field: f.name,
          relationshipName: f.name === 'OwnerId' ? null : childName(child, f),
          cascadeDelete: CASCADE.has(`${child.name}.${f.name}`),
        })
        children.set(parent, list)
      }
    }
  }
  return {
    objects,
    object: (name) => byName.get(name.toLowerCase()),
    byPrefix: (prefix) => byPrefix.get(prefix),
    field: (object, name) => fieldMaps.get(object.name)?.get(name.toLowerCase()),
    relationship: (object, name) => relMaps.get(object.name)?.get(name.toLowerCase()),
    children: (object) => children.get(object.name) ?? [],
  }
}
