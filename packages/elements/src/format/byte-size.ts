const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const

/** A byte count in words for the screen, in powers of 1000: `1.4 MB`, `312 KB`, `0 B`. */
export function byteSize(bytes: number): string {
  let value = Math.max(0, bytes)
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit += 1
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1
  return `${value.toFixed(digits)} ${UNITS[unit] ?? 'B'}`
}
