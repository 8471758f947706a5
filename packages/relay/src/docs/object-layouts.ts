import type { FieldGroupRecord } from '../store/relay-store.js'
import type { DocHub } from './doc-hub.js'
import type { ObjectLayout } from './partitions.js'
import { layoutOf } from './partitions.js'

/**
 * The current layout of each object, from the views the relay has recorded (ADR 0005). A view
 * not seen before is recorded first, which refines the partitions; the partitions are stored as
 * groups, so the hub opens their documents with their schema.
 */
export class ObjectLayouts {
  readonly #hub: DocHub
  readonly #onChange: (sobject: string, layout: ObjectLayout) => void
  readonly #cache = new Map<string, { views: string; layout: Promise<ObjectLayout> }>()

  /** `onChange(sobject, layout)`: a new view changed the object's partitions (after it is stored). */
  constructor(
    hub: DocHub,
    options: { onChange?: (sobject: string, layout: ObjectLayout) => void } = {},
  ) {
    this.#hub = hub
    this.#onChange = options.onChange ?? (() => undefined)
  }

  /** The layout of `view`'s object, once `view` is part of it. */
  async forView(view: FieldGroupRecord): Promise<ObjectLayout> {
    const cached = this.#cache.get(view.sobject)
    if (cached && cached.views.split('\n').includes(view.id)) return cached.layout
    await this.#hub.putGroup(view)
    await this.#hub.store.addView(view.sobject, view.id)
    return this.#refresh(view.sobject)
  }

  /** The layout of `sobject` from the views recorded so far (none: a main partition only). */
  async current(sobject: string): Promise<ObjectLayout> {
    return this.#cache.get(sobject)?.layout ?? this.#refresh(sobject)
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
    const layout = layoutOf(sobject, views)
    for (const p of layout.partitions) await this.#hub.putGroup(p)
    const before = this.#cache.get(sobject)
    const entry = { views: views.map((v) => v.id).join('\n'), layout: Promise.resolve(layout) }
    this.#cache.set(sobject, entry)
    if (before) {
      const ids = (await before.layout).partitions.map((p) => p.id).join()
      if (ids !== layout.partitions.map((p) => p.id).join()) this.#onChange(sobject, layout)
    }
    return layout
  }
}
