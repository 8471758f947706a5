import type { FieldDef, FieldType, StoredValue } from './types.js'

type FieldOptions = Partial<Omit<FieldDef, 'name' | 'label' | 'type'>> & { required?: boolean }

const TEXT_TYPES: ReadonlySet<FieldType> = new Set([
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
])

/** Builds a field definition with Salesforce's defaults for its type. */
export function field(
  name: string,
  label: string,
  type: FieldType,
  options: FieldOptions = {},
): FieldDef {
  const { required, ...rest } = options
  const custom = name.endsWith('__c')
  const longText = type === 'textarea' && (options.length ?? 255) > 255
  const base: FieldDef = {
    name,
    label,
    type,
    length: TEXT_TYPES.has(type) ? 255 : type === 'id' || type === 'reference' ? 18 : 0,
    precision: 0,
    scale: 0,
    digits: 0,
    nillable: required !== true && type !== 'boolean',
    createable: true,
    updateable: true,
    defaultedOnCreate: type === 'boolean',
    custom,
    externalId: false,
    unique: false,
    caseSensitive: false,
    nameField: false,
    idLookup: false,
    calculated: false,
    autoNumber: false,
    filterable: !longText,
    sortable: !longText,
    groupable: !longText && type !== 'double' && type !== 'currency' && type !== 'percent',
    referenceTo: [],
    relationshipName: null,
    picklistValues: [],
    restrictedPicklist: false,
    defaultValue: type === 'boolean' ? false : null,
    extraTypeInfo: null,
    perUser: false,
  }
  return { ...base, ...rest }
}

/** A text field of `length` characters. */
export function text(
  name: string,
  label: string,
  length: number,
  options: FieldOptions = {},
): FieldDef {
  return field(name, label, 'string', { length, ...options })
}

/** A long text area (32,000 characters, plain text), the kind Briefcase merges by character. */
export function longText(name: string, label: string): FieldDef {
  return field(name, label, 'textarea', { length: 32000, extraTypeInfo: 'plaintextarea' })
}

/** A picklist; `restricted` rejects values outside `values`. */
export function picklist(
  name: string,
  label: string,
  values: readonly string[],
  options: FieldOptions & { fallback?: string } = {},
): FieldDef {
  const { fallback, ...rest } = options
  return field(name, label, 'picklist', {
    picklistValues: values,
    defaultValue: fallback ?? null,
    defaultedOnCreate: fallback !== undefined,
    length: 255,
    ...rest,
  })
}

/** A lookup to one or more objects (more than one makes it polymorphic, like WhatId). */
export function reference(
  name: string,
  label: string,
  referenceTo: readonly string[],
  relationshipName: string,
  options: FieldOptions = {},
): FieldDef {
  return field(name, label, 'reference', { referenceTo, relationshipName, ...options })
}

/** A number field: `int`, `double`, `currency` or `percent` with precision and scale. */
export function number(
  name: string,
  label: string,
  type: 'int' | 'double' | 'currency' | 'percent',
  precision: number,
  scale: number,
  options: FieldOptions = {},
): FieldDef {
  return field(name, label, type, {
    precision: type === 'int' ? 0 : precision,
    scale: type === 'int' ? 0 : scale,
    digits: type === 'int' ? precision : 0,
    ...options,
  })
}

/** A read-only field the platform computes (full names, IsClosed, ...). */
export function derived(
  name: string,
  label: string,
  type: FieldType,
  options: FieldOptions = {},
): FieldDef {
  const defaultValue: StoredValue = type === 'boolean' ? false : null
  return field(name, label, type, {
    createable: false,
    updateable: false,
    defaultedOnCreate: true,
    defaultValue,
    ...options,
  })
}

/** The fields every object has, in describe order: those before the object's own fields. */
export function leadingSystemFields(): FieldDef[] {
  return [
    field('Id', 'Record ID', 'id', {
      nillable: false,
      createable: false,
      updateable: false,
      defaultedOnCreate: true,
      idLookup: true,
      length: 18,
    }),
    derived('IsDeleted', 'Deleted', 'boolean'),
  ]
}

/** The owner field of objects with owners. */
export function ownerField(): FieldDef {
  return reference('OwnerId', 'Owner ID', ['User'], 'Owner', {
    nillable: false,
    defaultedOnCreate: true,
  })
}

/** The audit and recent-view fields every object has, after its own standard fields. */
export function trailingSystemFields(): FieldDef[] {
  const audit = (name: string, label: string): FieldDef =>
    derived(name, label, 'datetime', { nillable: false })
  const auditBy = (name: string, label: string, rel: string): FieldDef =>
    reference(name, label, ['User'], rel, {
      nillable: false,
      createable: false,
      updateable: false,
      defaultedOnCreate: true,
    })
  return [
    audit('CreatedDate', 'Created Date'),
    auditBy('CreatedById', 'Created By ID', 'CreatedBy'),
    audit('LastModifiedDate', 'Last Modified Date'),
    auditBy('LastModifiedById', 'Last Modified By ID', 'LastModifiedBy'),
    audit('SystemModstamp', 'System Modstamp'),
    derived('LastViewedDate', 'Last Viewed Date', 'datetime', { perUser: true }),
    derived('LastReferencedDate', 'Last Referenced Date', 'datetime', { perUser: true }),
  ]
}

/** `Briefcase_Draft_Key__c`: the unique, case-sensitive external Id Briefcase upserts by. */
export function draftKeyField(): FieldDef {
  return text('Briefcase_Draft_Key__c', 'Briefcase Draft Key', 64, {
    externalId: true,
    unique: true,
    caseSensitive: true,
    idLookup: true,
  })
}
