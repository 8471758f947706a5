import { OrgError } from '../errors.js'
import type { Clock } from '../clock.js'
import type { Schema } from '../schema/registry.js'
import type { RecordStore } from '../store/store.js'
import { changeEventsOf } from './change-events.js'
import { captureCapable } from './channels.js'
import { ChangeEventBus } from './event-bus.js'

/** Change Data Capture settings of {@link OrgOptions}. */
export interface StreamingOptions {
  /**
   * Objects selected for change notifications (Setup → Change Data Capture). Default: Account,
   * Contact, Opportunity, Case and Site_Visit__c (five: Salesforce's default allocation).
   */
  entities?: readonly string[]
  /** How long change events can be replayed (default 72 hours, Salesforce's retention). */
  retentionMs?: number
  /** Most entities that can be selected (default 5, the allocation without an add-on license). */
  maxEntities?: number
  /** How long a `/meta/connect` long poll is held (default 110 000 ms, Salesforce's advice). */
  connectTimeoutMs?: number
  /** How long a client may go without a connect before it is forgotten (default 40 000 ms). */
  clientTimeoutMs?: number
}

/** What Change Data Capture publishes now (admin switches). */
export interface ChangeDataCaptureSettings {
  /** Selected objects, sorted. */
  readonly entities: readonly string[]
  readonly retentionMs: number
  readonly maxEntities: number
}

/** The default selection: five objects, Salesforce's default allocation. */
export const DEFAULT_CDC_ENTITIES: readonly string[] = [
  'Account',
  'Contact',
  'Opportunity',
  'Case',
  'Site_Visit__c',
]

/**
 * Change Data Capture for one org: watches the record store's committed transactions and
 * publishes change events for the selected objects on the org's event bus.
 */
export class ChangeCapture {
  readonly bus: ChangeEventBus
  readonly retentionMs: number
  readonly maxEntities: number
  readonly #schema: Schema
  readonly #clock: Clock
  #selected: Set<string>
  #origin = 'com/salesforce/api/rest/62.0'
  #quiet = false
  #commits = 0

  constructor(schema: Schema, clock: Clock, options: StreamingOptions = {}) {
    this.#schema = schema
    this.#clock = clock
    this.retentionMs = options.retentionMs ?? 72 * 3_600_000
    this.maxEntities = options.maxEntities ?? 5
    if (!(this.retentionMs > 0) || !(this.maxEntities >= 0)) {
      throw new OrgError(
        'BRIEFCASE_ORG_INVALID_OPTIONS',
        'streaming.retentionMs must be positive and streaming.maxEntities not negative',
      )
    }
    this.#selected = new Set()
    this.select(options.entities ?? DEFAULT_CDC_ENTITIES)
    this.bus = new ChangeEventBus({ now: () => clock.now(), retentionMs: this.retentionMs })
  }

  /** Starts publishing the store's committed writes. */
  attach(store: RecordStore): void {
    store.observe((changes) => {
      if (this.#quiet) return
      this.#commits += 1
      const at = this.#clock.now()
      const events = changeEventsOf(
        changes,
        (type) => this.#schema.object(type),
        (entity) => this.#selected.has(entity),
        { at, origin: this.#origin, commitNumber: at * 1000 + (this.#commits % 1000) },
      )
      this.bus.publish(events)
    })
  }

  /** Whether an object's changes are published now. */
  publishes(entity: string): boolean {
    return this.#selected.has(entity)
  }

  /** The current settings. */
  settings(): ChangeDataCaptureSettings {
    return {
      entities: [...this.#selected].sort(),
      retentionMs: this.retentionMs,
      maxEntities: this.maxEntities,
    }
  }

  /** Replaces the selected objects (names as the API spells them, any case). */
  select(entities: readonly string[]): ChangeDataCaptureSettings {
    const capable = captureCapable(this.#schema)
    const chosen = new Set<string>()
    for (const name of entities) {
      const match = capable.find((c) => c.toLowerCase() === String(name).toLowerCase())
      if (!match) {
        throw new OrgError(
          'BRIEFCASE_ORG_INVALID_OPTIONS',
          `${String(name)} cannot be selected for Change Data Capture (choose from ${capable.join(', ')})`,
        )
      }
      chosen.add(match)
    }
    if (chosen.size > this.maxEntities) {
      throw new OrgError(
        'BRIEFCASE_ORG_INVALID_OPTIONS',
        `At most ${this.maxEntities} entities can be selected for Change Data Capture (got ${chosen.size})`,
      )
    }
    this.#selected = chosen
    return this.settings()
  }

  /** Runs `task` with the change origin of the call it serves (calls run one at a time). */
  async withOrigin<T>(origin: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#origin
    this.#origin = origin
    try {
      return await task()
    } finally {
      this.#origin = previous
    }
  }

  /** Runs `task` without publishing (seeding and loading are not changes). */
  quietly<T>(task: () => T): T {
    this.#quiet = true
    try {
      return task()
    } finally {
      this.#quiet = false
    }
  }
}

/** The change origin of a REST call: API, version, and the `client` of `Sforce-Call-Options`. */
export function restChangeOrigin(version: string, callOptions: string | undefined): string {
  const client = /(?:^|,)\s*client\s*=\s*([^,]+)/.exec(callOptions ?? '')?.[1]?.trim()
  return `com/salesforce/api/rest/${version}${client ? `;client=${client}` : ''}`
}
