/**
 * Salesforce's date and datetime wire formats. Datetimes go out as
 * `2017-11-02T22:02:36.000+0000`; dates as `2017-11-02`.
 */

const DATETIME_IN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/
const DATE_IN = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** Formats epoch milliseconds as Salesforce's JSON datetime (`…T22:02:36.000+0000`). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms)
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `.${pad(d.getUTCMilliseconds(), 3)}+0000`
  )
}

/** Formats epoch milliseconds as a `yyyy-MM-dd` date (UTC). */
export function formatDate(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

function validCalendar(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return d <= last
}

/**
 * Parses a datetime as Salesforce accepts it on input: `yyyy-MM-ddTHH:mm:ss(.SSS)(Z|±HH:mm|±HHmm)`,
 * a bare date (midnight UTC), or no offset (UTC). Returns epoch ms or `undefined`.
 */
export function parseDateTime(value: string): number | undefined {
  const m = DATETIME_IN.exec(value.trim())
  if (!m) return undefined
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m
  const y = Number(ys)
  const mo = Number(mos)
  const d = Number(ds)
  if (!validCalendar(y, mo, d)) return undefined
  const h = Number(hs ?? 0)
  const mi = Number(mis ?? 0)
  const s = Number(ss ?? 0)
  if (h > 23 || mi > 59 || s > 59) return undefined
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0
  let offset = 0
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000
  }
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset
}

/** Parses a `yyyy-MM-dd` date (also accepting a datetime, whose UTC date is used). */
export function parseDate(value: string): string | undefined {
  const m = DATE_IN.exec(value.trim())
  if (m) {
    return validCalendar(Number(m[1]), Number(m[2]), Number(m[3])) ? value.trim() : undefined
  }
  const ms = parseDateTime(value)
  return ms === undefined ? undefined : formatDate(ms)
}

/** Parses an HTTP-date (`Tue, 10 Aug 2015 00:00:00 GMT`) or ISO datetime to epoch ms. */
export function parseHttpDate(value: string): number | undefined {
  const iso = parseDateTime(value)
  if (iso !== undefined) return iso
  if (!/\d{4}/.test(value) || !/GMT|UTC|[+-]\d{4}/.test(value)) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

/** Epoch ms truncated to the whole second (Salesforce keeps audit fields at second precision). */
export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

/** Epoch ms truncated to the whole minute. */
export function toMinute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000
}

/** Midnight UTC of the day containing `ms`. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS
}

/** Adds `days` whole days to a `yyyy-MM-dd` date. */
export function addDays(date: string, days: number): string {
  return formatDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS)
}

/** Milliseconds in one day. */
export const DAY: number = DAY_MS
