import type { BriefcaseClient, RecordHandle } from '@briefcase/client'
import type { ObjectDescription, QuickAction } from '../client-types.js'
import { ClientController } from './client-controller.js'

/** The description with the fields of its other partitions in its schema, after the main ones. */
function everyField(d: ObjectDescription): ObjectDescription {
  const fields = [d.schema, ...(d.partitions ?? []).map((p) => p.schema)].map((s) => s.fields)
  return {
    ...d,
    schema: { ...d.schema, fields: Object.assign({}, ...fields) as typeof d.schema.fields },
  }
}

/**
 * Brings the "+" menu (the org's `<Object>.create` quick actions, cached for offline use), the
 * schema of the object being created, and creates records under a draft key, online or offline.
 *
 * @example
 * ```ts
 * #create = new CreateController(this)
 * async save() { const doc = await this.#create.create('Account', { Name: 'Acme' }) }
 * ```
 */
export class CreateController extends ClientController {
  actions: QuickAction[] = []
  /** The schema of the object whose form is open, once loaded. */
  description: ObjectDescription | null = null
  /** True while a record is being created. */
  saving = false
  #generation = 0

  protected attach(client: BriefcaseClient): () => void {
    this.#load(client)
    return () => {
      this.#generation++
    }
  }

  /** The actions are cached by the client: load again only when none could be had offline. */
  protected override cameOnline(): void {
    if (this.client && this.actions.length === 0) this.#load(this.client)
  }

  #load(client: BriefcaseClient): void {
    const generation = ++this.#generation
    void this.guard(async () => {
      const actions = await client.quickActions()
      if (generation !== this.#generation) return
      this.actions = actions
      // Describing each object now caches its schema, so the create forms open offline too.
      if (client.online) {
        await Promise.allSettled(actions.map((action) => client.schema(action.sobject)))
      }
    })
  }

  protected reset(): void {
    this.actions = []
    this.description = null
  }

  /**
   * Loads the schema of the object to create, with the fields of every partition the user reads
   * (a manager's Credit_Limit__c too, ADR 0005); `null` when it cannot be had (offline, uncached).
   */
  async describe(sobject: string): Promise<ObjectDescription | null> {
    const client = this.client
    this.description = null
    if (!client) return null
    const description = await this.guard(() => client.schema(sobject))
    this.description = description ? everyField(description) : null
    return this.description
  }

  /** Creates the record; resolves with its document name, or `null` when it was refused. */
  async create(sobject: string, values: Readonly<Record<string, unknown>>): Promise<string | null> {
    const client = this.client
    if (!client || this.saving) return null
    this.saving = true
    this.host.requestUpdate()
    const handle: RecordHandle | undefined = await this.guard(() => client.create(sobject, values))
    this.saving = false
    this.host.requestUpdate()
    if (!handle) return null
    const doc = handle.doc
    await handle.close()
    return doc
  }
}
