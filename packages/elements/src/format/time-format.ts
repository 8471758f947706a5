const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * A time relative to `now` in words: "just now", "5 min ago", "3 h ago", "2 days ago", or "in 30
 * days" for a future time. The past rounds down (a day and a half ago is "1 day ago") and the
 * future up (what expires 30 days after an access just now is "in 30 days", not 29).
 */
export function relativeTime(at: number, now: number): string {
  const delta = now - at
  const future = delta < 0
  const span = Math.abs(delta)
  const round = future ? Math.ceil : Math.floor
  let words: string
  if (span < MINUTE) return future ? 'in under a minute' : 'just now'
  else if (span < HOUR) words = `${round(span / MINUTE)} min`
  else if (span < DAY) words = `${round(span / HOUR)} h`
  else {
    const days = round(span / DAY)
    words = `${days} ${days === 1 ? 'day' : 'days'}`
  }
  return future ? `in ${words}` : `${words} ago`
}

/** A date and time in the user's locale, short form. */
export function dateTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/** The ISO form for a `<time datetime>` attribute. */
export function isoTime(at: number): string {
  return new Date(at).toISOString()
}
