import { describe, expect, it } from 'vitest'
import { recordName } from './record-name.js'

describe('recordName', () => {
  it("is the name field's value when there is one", () => {
    expect(recordName({ Name: 'Acme', FirstName: 'A' }, 'Name', 'bc-1')).toBe('Acme')
  })

  it('puts a Contact created offline together from its first and last name', () => {
    expect(recordName({ FirstName: 'Ana', LastName: 'Lima' }, 'Name', 'bc-1')).toBe('Ana Lima')
    expect(recordName({ Name: '', LastName: 'Lima' }, 'Name', 'bc-1')).toBe('Lima')
  })

  it('falls back to the key when there is no name at all', () => {
    expect(recordName({ FirstName: null }, 'Name', 'bc-1')).toBe('bc-1')
  })
})
