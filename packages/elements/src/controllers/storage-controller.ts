import type { BriefcaseClient } from '@briefcase/client'
import { ClientController } from './client-controller.js'
import { LatestLoad } from './latest-load.js'

/** What the browser tells of this site's storage. */
export interface StorageFacts {
  /** Bytes this site stores (`navigator.storage.estimate().usage`). */
  usage: number
  /** Bytes it may store (`quota`). */
  quota: number
  /** `true`: the browser keeps the data under storage pressure (`persisted()`). */
  persisted: boolean
}

/**
 * How much the device stores for this site, its quota, and whether the storage is persistent
 * (`navigator.storage.estimate()` and `persisted()`), re-read whenever the cache changes. `facts`
 * stays `null` where the browser has no Storage API.
 */
export class StorageController extends ClientController {
  facts: StorageFacts | null = null
  #load = new LatestLoad(
    async (): Promise<StorageFacts | null> => {
      const storage = typeof navigator === 'undefined' ? undefined : navigator.storage
      if (!storage?.estimate) return null
      const [estimate, persisted] = await Promise.all([
        storage.estimate(),
        storage.persisted ? storage.persisted() : Promise.resolve(false),
      ])
      return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted }
    },
    (facts) => {
      this.facts = facts
      this.host.requestUpdate()
    },
    () => undefined,
  )

  protected attach(client: BriefcaseClient): () => void {
    const onChange = (): void => this.#load.schedule()
    client.addEventListener('cache-change', onChange)
    client.addEventListener('pending-change', onChange)
    this.#load.schedule()
    return () => {
      client.removeEventListener('cache-change', onChange)
      client.removeEventListener('pending-change', onChange)
    }
  }

  protected reset(): void {
    this.#load.cancel()
    this.facts = null
  }
}
