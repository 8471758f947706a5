import type { SchemaResponse } from '@briefcase/protocol'
import { parseSyncName } from '@briefcase/protocol'
import type { Actor, HybridClock } from '@briefcase/record'
import { RecordDocument, YjsEngineDoc, yjsEngine } from '@briefcase/record'
import * as Y from 'yjs'
import type { SummarySource } from './doc-summary.js'
import { LOAD_ORIGIN } from './loaded-doc.js'
import { schemaOfDoc } from './record-parts.js'

/** What opening a document from its stored rows needs. */
export interface OpenStoredOptions {
  actor: Actor
  clock: HybridClock
}

/**
 * A record document opened from its stored rows, outside the loaded documents: no awareness,
 * no listeners, nothing stored on open. A bulk sync applies the relay's answer to it, stores
 * what it added, summarises it for the index and destroys it.
 */
export class StoredRecordDoc implements SummarySource {
  readonly doc: string
  readonly partition: string | null
  readonly document: RecordDocument
  readonly ydoc: Y.Doc
  readonly schema: SchemaResponse

  constructor(
    doc: string,
    schema: SchemaResponse,
    rows: readonly Uint8Array[],
    o: OpenStoredOptions,
  ) {
    const { record, partition } = parseSyncName(doc)
    this.doc = doc
    this.partition = partition
    this.schema = schema
    this.document = RecordDocument.open({
      engine: yjsEngine,
      name: record,
      schema: schemaOfDoc(doc, schema),
      actor: o.actor,
      clock: o.clock,
    })
    const engineDoc = this.document.engineDoc
    if (!(engineDoc instanceof YjsEngineDoc)) throw new Error('Only Yjs documents are stored.')
    this.ydoc = engineDoc.ydoc
    if (rows.length > 0) {
      Y.applyUpdate(
        this.ydoc,
        rows.length === 1 ? (rows[0] as Uint8Array) : Y.mergeUpdates([...rows]),
        LOAD_ORIGIN,
      )
    }
  }

  /** Applies a sealed update (checked as any remote one); returns what it added, raw. */
  apply(update: Uint8Array, origin: unknown): Uint8Array[] {
    const added: Uint8Array[] = []
    const keep = (u: Uint8Array): void => void added.push(u)
    this.ydoc.on('update', keep)
    try {
      this.document.applyUpdate(update, origin)
    } finally {
      this.ydoc.off('update', keep)
    }
    return added
  }

  destroy(): void {
    this.document.destroy()
  }
}
