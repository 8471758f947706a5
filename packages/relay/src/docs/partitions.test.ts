import type { FieldSchema } from '@briefcase/record'
import { describe, expect, it } from 'vitest'
import { fieldGroupId } from '../salesforce/object-views.js'
import type { FieldGroupRecord } from '../store/relay-store.js'
import { layoutOf } from './partitions.js'

const field = (name: string): FieldSchema => ({ name, type: 'string' })

function view(names: string[]): FieldGroupRecord {
  const fields = Object.fromEntries(names.map((n) => [n, field(n)]))
  return {
    id: fieldGroupId('Account', Object.values(fields)),
    sobject: 'Account',
    schema: { name: 'Account', fields },
    nameField: 'Name',
  }
}

const fieldsOf = (p: FieldGroupRecord): string[] => Object.keys(p.schema.fields)

describe('layoutOf', () => {
  const rep = view(['Name', 'Phone', 'Description'])
  const manager = view(['Name', 'Phone', 'Description', 'Credit_Limit__c'])

  it('puts the fields every view reads in the main partition, each other class apart', () => {
    const layout = layoutOf('Account', [manager, rep])
    expect(fieldsOf(layout.main)).toEqual(['Description', 'Name', 'Phone'])
    expect(layout.partitions.map(fieldsOf)).toEqual([
      ['Description', 'Name', 'Phone'],
      ['Credit_Limit__c'],
    ])
    // A partition whose fields equal a view's has the view's id (ADR 0002's group documents).
    expect(layout.main.id).toBe(rep.id)
    expect(layout.main.nameField).toBe('Name')
    expect(layout.partitionOf('Credit_Limit__c')?.nameField).toBeNull()
  })

  it('gives each view exactly the partitions of the fields it reads', () => {
    const layout = layoutOf('Account', [rep, manager])
    expect(layout.readBy(rep).map(fieldsOf)).toEqual([['Description', 'Name', 'Phone']])
    expect(layout.readBy(manager).flatMap(fieldsOf).sort()).toEqual(
      Object.keys(manager.schema.fields).sort(),
    )
    expect(layout.readBy(view(['Name']))).toEqual([])
  })

  it('is the same whatever order the views were seen in', () => {
    const third = view(['Name', 'Credit_Limit__c'])
    const ids = (vs: FieldGroupRecord[]): string[] =>
      layoutOf('Account', vs)
        .partitions.map((p) => p.id)
        .sort()
    expect(ids([rep, manager, third])).toEqual(ids([third, manager, rep]))
    expect(layoutOf('Account', [rep, manager, third]).partitions.map(fieldsOf)).toEqual([
      ['Name'],
      ...[['Credit_Limit__c'], ['Description', 'Phone']].sort((a, b) =>
        fieldGroupId('Account', a.map(field)) < fieldGroupId('Account', b.map(field)) ? -1 : 1,
      ),
    ])
  })

  it('has an empty main partition when no field is read by every view', () => {
    const layout = layoutOf('Account', [view(['Phone']), view(['Name'])])
    expect(fieldsOf(layout.main)).toEqual([])
    expect(layout.partitions).toHaveLength(3)
  })
})
