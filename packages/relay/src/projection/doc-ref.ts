import type { DocRef } from './ports.js'

/**
 * The string form of a document reference, for maps: `group|name` (the relay store's form).
 *
 * @example
 * ```ts
 * refKey({ name: 'Account/001000000000001AAA', group: 'g1' }) // 'g1|Account/001000000000001AAA'
 * ```
 */
export function refKey(ref: DocRef): string {
  return `${ref.group}|${ref.name}`
}
