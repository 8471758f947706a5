/**
 * What holds the keyboard focus, through shadow roots: its `part` name and its text. Run in the
 * page (`page.evaluate(focused)`).
 */
export function focused(): { part: string | null; text: string; tag: string } {
  let active = document.activeElement
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement
  return {
    part: active?.getAttribute('part') ?? null,
    text: active?.textContent?.trim() ?? '',
    tag: active?.tagName.toLowerCase() ?? '',
  }
}
