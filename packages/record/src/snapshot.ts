import type { EngineName, EngineView, Json } from './engine.js'
import { MAP_ROOTS } from './engine.js'
import type { MapRoot } from './engine.js'

/** A record document's whole logical state as plain data: every map and every long text. */
export interface RecordSnapshot {
  name: string
  engine: EngineName
  maps: Record<MapRoot, Record<string, Json>>
  texts: Record<string, string>
}

/** Reads a document's state into a {@link RecordSnapshot} (keys sorted, so equal states are equal). */
export function takeSnapshot(
  view: EngineView,
  meta: { name: string; engine: EngineName; textFields: readonly string[] },
): RecordSnapshot {
  const maps = {} as Record<MapRoot, Record<string, Json>>
  for (const root of MAP_ROOTS) {
    const entries = [...view.entries(root)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    maps[root] = Object.fromEntries(entries)
  }
  const texts: Record<string, string> = {}
  for (const field of meta.textFields) texts[field] = view.text(field)
  return { name: meta.name, engine: meta.engine, maps, texts }
}

/** A read-only view over a snapshot, so every rule can be evaluated on plain data. */
export function snapshotView(snapshot: RecordSnapshot): EngineView {
  return {
    get: (root, key) =>
      Object.hasOwn(snapshot.maps[root] ?? {}, key) ? snapshot.maps[root][key] : undefined,
    entries: (root) => Object.entries(snapshot.maps[root] ?? {}),
    text: (field) => snapshot.texts[field] ?? '',
  }
}
