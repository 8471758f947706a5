import type { DocRef, ProjectionDocs } from '../projection/ports.js'

/** A document of a record that exists in Salesforce, and who holds it. */
export interface TrackedDoc {
  ref: DocRef
  sobject: string
  salesforceId: string
  /** Users whose devices hold the document: the pull reads it with one of their sessions. */
  users: readonly string[]
}

/** The documents, as the puller uses them. The relay core implements it over its hub and store. */
export interface PullDocs {
  /**
   * Every document of a record with a Salesforce Id (optionally only of some objects), with the
   * users holding it. Documents nobody holds are not pulled.
   */
  tracked(sobjects?: readonly string[]): Promise<TrackedDoc[]>
  withDocument: ProjectionDocs['withDocument']
}

/** How far the puller has read an object's changes. */
export interface Watermark {
  /** The greatest SystemModstamp read (ISO), null before the first pull. */
  updated: string | null
  /** The `latestDateCovered` of the last getDeleted (ISO), null before the first. */
  deleted: string | null
}

/** The puller's durable state: one watermark per object. */
export interface PullStore {
  watermark(sobject: string): Promise<Watermark>
  setWatermark(sobject: string, watermark: Watermark): Promise<void>
}
