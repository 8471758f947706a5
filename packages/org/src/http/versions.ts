/** One advertised API version. */
export interface ApiVersion {
  readonly label: string
  readonly url: string
  readonly version: string
}

const SEASONS = ['Winter', 'Spring', 'Summer'] as const

function label(major: number): string {
  // v50.0 is Winter '21, then Spring '21, Summer '21, Winter '22, ...
  const index = major - 50
  const season = SEASONS[index % 3] ?? 'Winter'
  const year = 21 + Math.floor(index / 3)
  return `${season} '${String(year).padStart(2, '0')}`
}

/** Lowest and highest API versions the org answers. */
export const MIN_VERSION: number = 50
/** Highest API version the org answers. */
export const MAX_VERSION: number = 62

/** Every advertised version, ascending, as `GET /services/data/` lists them. */
export function apiVersions(): ApiVersion[] {
  const out: ApiVersion[] = []
  for (let v = MIN_VERSION; v <= MAX_VERSION; v++) {
    out.push({ label: label(v), url: `/services/data/v${v}.0`, version: `${v}.0` })
  }
  return out
}

/** `62.0` for a path segment `v62.0` the org supports, otherwise undefined. */
export function parseVersion(segment: string): string | undefined {
  const m = /^v(\d+)\.0$/.exec(segment)
  if (!m) return undefined
  const major = Number(m[1])
  return major >= MIN_VERSION && major <= MAX_VERSION ? `${major}.0` : undefined
}
