/** One changed region between two texts: `[start, start + removed)` became `inserted`. */
export interface TextChange {
  start: number
  removed: number
  inserted: string
}

/**
 * The single region where `before` and `after` differ, or `null` when they are equal. `caret`
 * (where the caret stands in `after` once the user typed) places the change where the user made
 * it when the texts alone are ambiguous: typing "a" inside "aa" is an insertion at the caret, not
 * at the end.
 *
 * @example
 * ```ts
 * textChange('aa', 'aaa', 2) // { start: 1, removed: 0, inserted: 'a' }
 * ```
 */
export function textChange(
  before: string,
  after: string,
  caret: number = after.length,
): TextChange | null {
  if (before === after) return null
  const grown = Math.max(0, after.length - before.length)
  const limit = Math.min(before.length, after.length, Math.max(0, caret - grown))
  let start = 0
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++
  let end = 0
  const room = Math.min(before.length, after.length) - start
  while (
    end < room &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  ) {
    end++
  }
  return {
    start,
    removed: before.length - start - end,
    inserted: after.slice(start, after.length - end),
  }
}

/**
 * Where a position in a text moves to when `change` applies: positions before the change stay,
 * positions after it shift by the change's growth, positions inside it go to its end.
 *
 * @example
 * ```ts
 * mapPosition(5, { start: 0, removed: 0, inserted: 'Hi ' }) // 8
 * ```
 */
export function mapPosition(position: number, change: TextChange): number {
  if (position <= change.start) return position
  const removedEnd = change.start + change.removed
  if (position >= removedEnd) return position - change.removed + change.inserted.length
  return change.start + change.inserted.length
}
