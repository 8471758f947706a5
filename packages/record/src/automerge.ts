/**
 * @packageDocumentation
 * The Automerge 3 merge engine of the record model (`@briefcase/record/automerge`), apart from
 * the main entry so that the Yjs path never loads `@automerge/automerge` (an optional peer
 * dependency: install it to use this entry).
 *
 * @example
 * ```ts
 * import { RecordDocument } from '@briefcase/record'
 * import { automergeEngine } from '@briefcase/record/automerge'
 * ```
 */
export { automergeEngine } from './automerge-engine.js'
