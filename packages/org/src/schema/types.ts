/** A value as the store keeps it: datetimes as epoch ms, dates as `yyyy-MM-dd`, Ids 18 chars. */
export type StoredValue = string | number | boolean | null

/** A stored record: field name (canonical case) to value. */
export type StoredRecord = Record<string, StoredValue>

/** The field types the org uses (describe's `type`). */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'reference'

/** One field of an object, with everything describe reports and the save path enforces. */
export interface FieldDef {
  readonly name: string
  readonly label: string
  readonly type: FieldType
  /** Characters for text types; 0 otherwise. */
  readonly length: number
  readonly precision: number
  readonly scale: number
  readonly digits: number
  readonly nillable: boolean
  readonly createable: boolean
  readonly updateable: boolean
  readonly defaultedOnCreate: boolean
  readonly custom: boolean
  readonly externalId: boolean
  readonly unique: boolean
  readonly caseSensitive: boolean
  readonly nameField: boolean
  readonly idLookup: boolean
  readonly calculated: boolean
  readonly autoNumber: boolean
  readonly filterable: boolean
  readonly sortable: boolean
  readonly groupable: boolean
  readonly referenceTo: readonly string[]
  readonly relationshipName: string | null
  readonly picklistValues: readonly string[]
  readonly restrictedPicklist: boolean
  readonly defaultValue: StoredValue
  readonly extraTypeInfo: string | null
  /** Kept per user rather than on the record (LastViewedDate, LastReferencedDate). */
  readonly perUser: boolean
}

/** Org-wide default sharing of an object. */
export type SharingModel = 'ReadWrite' | 'Private' | 'Read'

/** One object (sObject type) of the org. */
export interface ObjectDef {
  readonly name: string
  readonly label: string
  readonly labelPlural: string
  readonly keyPrefix: string
  readonly custom: boolean
  readonly fields: readonly FieldDef[]
  /** The field shown as the record's name (Name, Subject, CaseNumber, Title). */
  readonly nameField: string
  readonly sharing: SharingModel
  /** False for objects the API never writes (Dashboard, Profile). */
  readonly writable: boolean
  /** True when the object has OwnerId. */
  readonly owned: boolean
  /** Recomputes derived fields (full names, IsClosed, ...) after every write. */
  readonly derive?: (record: StoredRecord) => void
}
