/** Characters of unchanged text shown on each side of a change. */
const CONTEXT = 30
/** Longest removed or added part shown whole; longer ones keep their start and end. */
const PART = 160

/**
 * What changed between two texts, for a short diff: the unchanged text just before and after
 * the change (a few words of context), what was removed and what was added. `cutStart` and
 * `cutEnd` say whether text was left out before or after the context.
 */
export interface TextChange {
  before: string
  removed: string
  added: string
  after: string
  cutStart: boolean
  cutEnd: boolean
}

/**
 * The changed part of `next` against `old` (common start and end left out but for `context`
 * characters), so a sentence appended to a long text shows even though both start alike.
 *
 * @example
 * ```ts
 * textChange('Visit on Monday.', 'Visit on Monday. Bring the contract.')
 * // { before: 'Visit on Monday.', removed: '', added: ' Bring the contract.', after: '', … }
 * ```
 */
export function textChange(old: string, next: string, context: number = CONTEXT): TextChange {
  const shortest = Math.min(old.length, next.length)
  let start = 0
  while (start < shortest && old[start] === next[start]) start++
  let end = 0
  while (end < shortest - start && old[old.length - 1 - end] === next[next.length - 1 - end]) {
    end++
  }
  // Whole words: a change inside a word ("second" → "third") shows the words, not "secon".
  while (start > 0 && isWord(old[start - 1]) && (isWord(old[start]) || isWord(next[start]))) {
    start--
  }
  const tail = (text: string, n: number): string | undefined => text[text.length - n]
  while (
    end > 0 &&
    isWord(tail(old, end)) &&
    (isWord(tail(old, end + 1)) || isWord(tail(next, end + 1)))
  ) {
    end--
  }
  const after = old.slice(old.length - end, old.length - end + context)
  return {
    before: old.slice(Math.max(0, start - context), start),
    removed: shorten(old.slice(start, old.length - end)),
    added: shorten(next.slice(start, next.length - end)),
    after,
    cutStart: start > context,
    cutEnd: end > context,
  }
}

function isWord(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}_]/u.test(char)
}

function shorten(part: string): string {
  if (part.length <= PART) return part
  const half = Math.floor((PART - 1) / 2)
  return `${part.slice(0, half)}…${part.slice(part.length - half)}`
}
