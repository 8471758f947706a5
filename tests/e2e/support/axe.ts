import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import type { AxeResults, ImpactValue } from 'axe-core'

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** Impacts that fail the tests: moderate and above. */
const FAILING: readonly ImpactValue[] = ['moderate', 'serious', 'critical']

/** One violation, short enough to read in a test failure. */
export interface Violation {
  id: string
  impact: ImpactValue | undefined
  help: string
  /** Selectors of the offending nodes (shadow roots as nested lists), with axe's summary. */
  targets: string[]
}

/**
 * Runs axe-core in the page (it walks open shadow roots) and returns its violations of impact
 * moderate or above, WCAG 2.x A and AA and best practices.
 */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axeSource })
  const results = await page.evaluate(() =>
    (
      window as unknown as { axe: { run: (c: Document, o: object) => Promise<AxeResults> } }
    ).axe.run(document, {
      resultTypes: ['violations'],
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    }),
  )
  return results.violations
    .filter((v) => v.impact !== undefined && v.impact !== null && FAILING.includes(v.impact))
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? undefined,
      help: v.help,
      targets: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    }))
}
