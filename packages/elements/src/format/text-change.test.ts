import { expect, it } from 'vitest'
import { textChange } from './text-change.js'

const long = 'The customer asked for a second visit next week to review the installation plan.'

it('shows a sentence appended to a long text, with the end of the old text as context', () => {
  const change = textChange(long, `${long} Bring the signed contract.`)
  expect(change).toEqual({
    before: ' review the installation plan.',
    removed: '',
    added: ' Bring the signed contract.',
    after: '',
    cutStart: true,
    cutEnd: false,
  })
})

it('shows a word replaced in the middle with context on both sides', () => {
  const change = textChange(long, long.replace('second', 'third'), 12)
  expect(change).toMatchObject({
    before: 'asked for a ',
    removed: 'second',
    added: 'third',
    after: ' visit next ',
    cutStart: true,
    cutEnd: true,
  })
})

it('keeps the start and end of a very long insertion', () => {
  const inserted = 'x'.repeat(100) + 'y'.repeat(100)
  const { added } = textChange('', inserted)
  expect(added.length).toBe(159)
  expect(added.startsWith('xxx') && added.endsWith('yyy') && added.includes('…')).toBe(true)
})

it('finds no change in equal texts, and shows a word that grew whole', () => {
  expect(textChange('same', 'same')).toMatchObject({ removed: '', added: '' })
  expect(textChange('Call Ann today', 'Call Anne today')).toMatchObject({
    before: 'Call ',
    removed: 'Ann',
    added: 'Anne',
    after: ' today',
  })
})
