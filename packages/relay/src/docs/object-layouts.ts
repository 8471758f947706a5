import type { FieldGroupRecord } from '../store/relay-store.js'
import type { DocHub } from './doc-hub.js'
import type { ObjectLayout } from './partitions.js'
import { layoutOf } from './partitions.js'

/** Options of {@link ObjectLayouts}. */
export interface ObjectLayoutsOptions {
  /** A new view changed the object's partitions (after it is stored), here or on another relay. */
  onChange?: (sobject: string, layout: ObjectLayout) => void
  /**
   * Other relays record views in the same store (default false): each access by a view looks at
   * the store's view ids, so a layout another relay changed is seen even with no bus message.
   */
  shared?: boolean
}

interface Cached {
  /** The view ids the layout was made of, in store order. */
  views: string[]
  layout: Promise<ObjectLayout>
}

/**
 * The current layout of each object, from the views the relay has recorded (ADR 0005). A view
 * not seen before is recorded first, which refines the partitions; the partitions are stored as
 * groups, so the hub opens their documents with their schema.
 */
export class ObjectLayouts {
  readonly #hub: DocHub
  readonly #onChange: (sobject: string, layout: ObjectLayout) => void
  readonly #shared: boolean
  readonly #cache = new Map<string, Cached>()

  constructor(hub: DocHub, options: ObjectLayoutsOptions = {}) {
    this.#hub = hub
    this.#onChange = options.onChange ?? (() => undefined)
    this.#shared = options.shared ?? false
  }

  /** The layout of `view`'s object, once `view` is part of it (and, shared, as the store has it). */
  async forView(view: FieldGroupRecord): Promise<ObjectLayout> {
    const cached = this.#cache.get(view.sobject)
    if (cached?.views.includes(view.id)) {
      if (!this.#shared) return cached.layout
      const stored = await this.#hub.store.listViewIds(view.sobject)
      if (stored.join('\n') === cached.views.join('\n')) return cached.layout
      return this.#refresh(view.sobject)
    }
    await this.#hub.putGroup(view)
    await this.#hub.store.addView(view.sobject, view.id)
    return this.#refresh(view.sobject)
  }

  /** The layout of `sobject` from the views recorded so far (none: a main partition only). */
  async current(sobject: string): Promise<ObjectLayout> {
    return this.#cache.get(sobject)?.layout ?? this.#refresh(sobject)
  }

  /**
   * Reads the views of objects this relay knows (those of `sobjects`, or all) from the store
   * again, after another relay said it recorded one, or when its word may have been lost: a
   * layout that changed calls `onChange` as a change made here would.
   */
  async reload(sobjects?: Iterable<string>): Promise<void> {
    for (const sobject of sobjects ?? [...this.#cache.keys()]) {
      const cached = this.#cache.get(sobject)
      if (!cached) continue
      const stored = await this.#hub.store.listViewIds(sobject)
      if (stored.join('\n') !== cached.views.join('\n')) await this.#refresh(sobject)
    }
  }

  /**
   * True when a stored document's group is one of its object's current partitions (or when no
   * view of the object is known yet, so nothing can be retired).
   */
  async isCurrent(sobject: string, group: string): Promise<boolean> {
    const layout = await this.current(sobject)
    return layout.views === 0 || layout.partitions.some((p) => p.id === group)
  }

  /** The group of `sobject`'s main partition, or `undefined` while no view of it is known. */
  async mainGroup(sobject: string): Promise<string | undefined> {
    const layout = await this.current(sobject)
    return layout.views === 0 ? undefined : layout.main.id
  }

  async #refresh(sobject: string): Promise<ObjectLayout> {
    const views = await this.#hub.store.listViews(sobject)
    const before = this.#cache.get(sobject)
    // Views are only ever added: a read that finished after a newer one is older, not news.
    if (before && views.length < before.views.length) return before.layout
    const layout = layoutOf(sobject, views)
    for (const p of layout.partitions) await this.#hub.putGroup(p)
    const latest = this.#cache.get(sobject)
    if (latest && latest !== before && latest.views.length >= views.length) return latest.layout
    this.#cache.set(sobject, { views: views.map((v) => v.id), layout: Promise.resolve(layout) })
    if (latest) {
      const ids = (await latest.layout).partitions.map((p) => p.id).join()
      if (ids !== layout.partitions.map((p) => p.id).join()) this.#onChange(sobject, layout)
    }
    return layout
  }
}
