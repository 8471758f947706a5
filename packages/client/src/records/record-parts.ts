import type { SchemaResponse } from '@briefcase/protocol'
import { parseSyncName, syncName } from '@briefcase/protocol'
import type { FieldSchema, ObjectSchema } from '@briefcase/record'
import { BriefcaseClientError, BriefcaseClientErrorCode } from '../errors.js'

/**
 * The wire names of a record's documents the user reads (ADR 0005): the main partition
 * (`<SObject>/<key>`), then one per other partition of the user's schema
 * (`<SObject>/<key>/<partition id>`).
 */
export function partitionNames(record: string, schema: SchemaResponse): string[] {
  return [record, ...(schema.partitions ?? []).map((p) => syncName(record, p.id))]
}

/** The fields of the document named `name` (a record's main partition or another one). */
export function schemaOfDoc(name: string, schema: SchemaResponse): ObjectSchema {
  const { partition } = parseSyncName(name)
  if (partition === null) return schema.schema
  const found = schema.partitions?.find((p) => p.id === partition)
  if (!found) {
    throw new BriefcaseClientError(
      BriefcaseClientErrorCode.documentMoved,
      `${name}: the user reads no partition ${partition} of ${schema.schema.name} any more.`,
    )
  }
  return found.schema
}

/** Every field the user reads of the object, across partitions (what a record view shows). */
export function mergedSchema(schema: SchemaResponse): SchemaResponse {
  const parts = schema.partitions ?? []
  if (parts.length === 0) return schema
  const fields: Record<string, FieldSchema> = { ...schema.schema.fields }
  for (const p of parts) Object.assign(fields, p.schema.fields)
  return { ...schema, schema: { ...schema.schema, fields } }
}
