import type { Caller } from '../security/access.js'
import { fieldAccess, objectPermissions } from '../security/profiles.js'
import type { Schema } from './registry.js'
import type { FieldDef, FieldType, ObjectDef } from './types.js'

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
}

const MASTER_RECORD_TYPE = '012000000000000AAA'

function objectUrls(version: string, name: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${name}`
  return {
    compactLayouts: `${base}/describe/compactLayouts`,
    rowTemplate: `${base}/{ID}`,
    approvalLayouts: `${base}/describe/approvalLayouts`,
    defaultValues: `${base}/defaultValues?recordTypeId&fields`,
    listviews: `${base}/listviews`,
    describe: `${base}/describe`,
    quickActions: `${base}/quickActions`,
    layouts: `${base}/describe/layouts`,
    sobject: base,
  }
}

/** One object's entry in the global describe, as the caller's permissions shape it. */
export function describeGlobalObject(
  caller: Caller,
  object: ObjectDef,
  version: string,
): Record<string, unknown> {
  const perms = objectPermissions(caller.profile, object.name)
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: object.writable && perms.create,
    custom: object.custom,
    customSetting: false,
    deepCloneable: false,
    deletable: object.writable && perms.delete,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: object.keyPrefix,
    label: object.label,
    labelPlural: object.labelPlural,
    layoutable: object.writable,
    mergeable: ['Account', 'Contact', 'Lead', 'Case'].includes(object.name),
    mruEnabled: true,
    name: object.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: object.writable,
    triggerable: object.writable,
    undeletable: object.writable && perms.delete,
    updateable: object.writable && perms.edit,
    urls: objectUrls(version, object.name),
  }
}

/** The global describe (`GET /sobjects`). */
export function describeGlobal(
  schema: Schema,
  caller: Caller,
  version: string,
): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: schema.objects.map((o) => describeGlobalObject(caller, o, version)),
  }
}

function byteLength(f: FieldDef): number {
  if (f.type === 'id' || f.type === 'reference') return 18
  return f.length * 3
}

/** One field as describe reports it for the caller (field-level security applied). */
export function describeField(
  caller: Caller,
  object: ObjectDef,
  f: FieldDef,
): Record<string, unknown> {
  const editable = fieldAccess(caller.profile, object.name, f.name, caller.fls) === 'edit'
  const longText = f.type === 'textarea' && f.length > 255
  return {
    aggregatable: !longText && f.type !== 'boolean',
    aiPredictionField: false,
    autoNumber: f.autoNumber,
    byteLength: byteLength(f),
    calculated: f.calculated,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: f.caseSensitive,
    compoundFieldName: null,
    controllerName: null,
    createable: f.createable && editable,
    custom: f.custom,
    defaultValue: f.type === 'boolean' ? f.defaultValue : null,
    defaultValueFormula: null,
    defaultedOnCreate: f.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.digits,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: f.externalId,
    extraTypeInfo: f.extraTypeInfo,
    filterable: f.filterable,
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false,
    groupable: f.groupable,
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: f.idLookup,
    inlineHelpText: null,
    label: f.label,
    length: f.length,
    mask: null,
    maskType: null,
    name: f.name,
    nameField: f.nameField,
    namePointing: f.referenceTo.length > 1,
    nillable: f.nillable,
    permissionable: f.custom && f.nillable,
    picklistValues: f.picklistValues.map((value) => ({
      active: true,
      defaultValue: value === f.defaultValue,
      label: value,
      validFor: null,
      value,
    })),
    polymorphicForeignKey: f.referenceTo.length > 1,
    precision: f.precision,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: [...f.referenceTo],
    relationshipName: f.relationshipName,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: f.restrictedPicklist,
    scale: f.scale,
    searchPrefilterable: false,
    soapType: SOAP_TYPES[f.type],
    sortable: f.sortable,
    type: f.type,
    unique: f.unique,
    updateable: f.updateable && editable,
    writeRequiresMasterRead: false,
  }
}

/** The full describe of one object (`GET /sobjects/{T}/describe`) for the caller. */
export function describeObject(
  schema: Schema,
  caller: Caller,
  object: ObjectDef,
  version: string,
): Record<string, unknown> {
  const fields = object.fields.filter(
    (f) => fieldAccess(caller.profile, object.name, f.name, caller.fls) !== 'hidden',
  )
  const label = object.labelPlural.toLowerCase()
  return {
    ...describeGlobalObject(caller, object, version),
    actionOverrides: [],
    childRelationships: schema.children(object).map((r) => ({
      cascadeDelete: r.cascadeDelete,
      childSObject: r.childSObject,
      deprecatedAndHidden: false,
      field: r.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: r.relationshipName,
      restrictedDelete: false,
    })),
    compactLayoutable: object.writable,
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields: fields.map((f) => describeField(caller, object, f)),
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: object.writable ? true : null,
    lookupLayoutable: object.writable ? true : null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [
      {
        active: true,
        available: true,
        defaultRecordTypeMapping: true,
        developerName: 'Master',
        master: true,
        name: 'Master',
        recordTypeId: MASTER_RECORD_TYPE,
        urls: {
          layout: `/services/data/v${version}/sobjects/${object.name}/describe/layouts/${MASTER_RECORD_TYPE}`,
        },
      },
    ],
    searchLayoutable: object.writable,
    sobjectDescribeOption: 'FULL',
    supportedScopes: object.owned
      ? [
          { label: `All ${label}`, name: 'everything' },
          { label: `My ${label}`, name: 'mine' },
        ]
      : [{ label: `All ${label}`, name: 'everything' }],
  }
}
