import { render } from 'lit'
import { expect, test } from 'vitest'
import type { RemoteCursor } from '../controllers/shared-text-controller.js'
import { cursorLabel, renderCursorMarks } from './cursor-marks.js'

const cursor = (id: number, name: string, head: number): RemoteCursor => ({
  id,
  name,
  device: `device-${id}abcd`,
  color: '#0176d3',
  anchor: head,
  head,
})

test('places other devices’ carets at their positions, labelled with person and device', () => {
  const host = document.createElement('div')
  const text = 'Key account.\nRenewal in May.'
  render(renderCursorMarks(text, [cursor(2, 'Jordan', 20), cursor(1, 'Maya', 4)]), host)
  const carets = [...host.querySelectorAll('[part=caret]')]
  expect(carets.map((c) => c.textContent)).toEqual(['Maya · abcd', 'Jordan · abcd'])
  expect(host.textContent?.replace(/Maya · abcd|Jordan · abcd/g, '|')).toBe(
    'Key |account.\nRenewal| in May.\u200b',
  )
  expect(cursorLabel(cursor(3, 'Dana', 0))).toBe('Dana · abcd')
})

test('a caret past the end of the text (it shrank) stays at the end', () => {
  const host = document.createElement('div')
  render(renderCursorMarks('short', [cursor(1, 'Maya', 99)]), host)
  expect(host.textContent).toBe('shortMaya · abcd\u200b')
})
