import { describe, expect, it } from 'vitest'
import { assignSessions } from './assign-sessions.js'
import type { TrackedDoc } from './ports.js'

const doc = (n: number, group: string, users: string[]): TrackedDoc => ({
  ref: { name: `Account/${n}`, group },
  sobject: 'Account',
  salesforceId: `001${n}`,
  users,
})

describe('assignSessions', () => {
  it('reads each group with as few of its users as possible, never across groups', () => {
    const docs = [
      doc(1, 'rep', ['A', 'B']),
      doc(2, 'rep', ['B']),
      doc(3, 'rep', ['A', 'B']),
      doc(4, 'rep', ['C']),
      doc(5, 'manager', ['M']),
      doc(6, 'nobody', []),
    ]
    const names = (m: Map<string, TrackedDoc[]>): Record<string, string[]> =>
      Object.fromEntries([...m].map(([u, list]) => [u, list.map((d) => d.ref.name)]))
    expect(names(assignSessions(docs))).toEqual({
      B: ['Account/1', 'Account/2', 'Account/3'],
      C: ['Account/4'],
      M: ['Account/5'],
    })
    expect(names(assignSessions(docs, new Set(['B'])))).toEqual({
      A: ['Account/1', 'Account/3'],
      C: ['Account/4'],
      M: ['Account/5'],
    })
  })
})
