import type { RecordDocument } from '@briefcase/record'
import { SCALAR_FIELDS, TEXT_FIELDS } from './fixtures.js'
import type { World } from './world.js'
import { violation } from './world.js'

/**
 * Property 6: the same schedule (same clocks, same delivery) gives the same outcome on both
 * engines: the same stamps and outcomes step by step, the same scalar values and deletion state,
 * and the same surviving characters of every long text (their order may differ where inserts
 * were concurrent: each engine breaks that tie its own way).
 */
export function checkParity(yjs: World, automerge: World): void {
  const steps = Math.max(yjs.trace.length, automerge.trace.length)
  for (let i = 0; i < steps; i++) {
    if (yjs.trace[i] !== automerge.trace[i]) {
      violation(
        'parity',
        `step ${i} differs:\n  yjs:       ${yjs.trace[i] ?? '(none)'}\n  automerge: ${automerge.trace[i] ?? '(none)'}`,
      )
    }
  }
  for (const record of yjs.model.records.values()) {
    const a = yjs.replica(yjs.relay, record)
    const b = automerge.replica(automerge.relay, automerge.model.record(record.name))
    if (a.isDeleted() !== b.isDeleted()) {
      violation('parity', `${record.name}: deleted on ${a.isDeleted() ? 'yjs' : 'automerge'} only`)
    }
    for (const field of SCALAR_FIELDS) {
      if (a.get(field) !== b.get(field)) {
        violation(
          'parity',
          `${record.name}.${field}: yjs ${String(a.get(field))}, automerge ${String(b.get(field))}`,
        )
      }
    }
    for (const field of TEXT_FIELDS) {
      if (characters(a, field) !== characters(b, field)) {
        violation('parity', `${record.name}.${field}: the engines keep different characters`)
      }
    }
  }
  if (automerge.model.records.size !== yjs.model.records.size) {
    violation('parity', 'the engines end with different records')
  }
}

function characters(doc: RecordDocument, field: string): string {
  return [...doc.text(field)].sort().join('')
}
