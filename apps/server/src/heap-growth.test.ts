import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { HEAP_GROWING_PERCENT } from './heap-growth.js'

const module = fileURLToPath(new URL('./heap-growth.ts', import.meta.url))

/** The growth factors V8 set its old-generation limit with, in a process run with `args`. */
function growthFactors(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { bounded: boolean; factors: string[] } {
  const script = `
    const { boundHeapGrowth } = await import(${JSON.stringify(module)})
    console.log('bounded', boundHeapGrowth())
    const kept = []
    for (let i = 0; i < 200000; i++) kept.push({ i })
    globalThis.gc()
  `
  const run = spawnSync(
    process.execPath,
    [
      ...args,
      '--expose-gc',
      '--trace-gc-verbose',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ],
    { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env } },
  )
  expect(run.status).toBe(0)
  const factors = [...run.stdout.matchAll(/\[HeapController\] Limit: .*\((\d+(?:\.\d+)?)\)/g)]
  return {
    bounded: run.stdout.includes('bounded true'),
    factors: factors.map((m) => m[1] as string),
  }
}

describe('boundHeapGrowth', () => {
  it('sets the heap growing factor of the process', () => {
    const { bounded, factors } = growthFactors([])
    expect(bounded).toBe(true)
    expect(factors.length).toBeGreaterThan(0)
    expect(factors.at(-1)).toBe(String(1 + HEAP_GROWING_PERCENT / 100))
  })

  it('leaves a heap flag given on the command line or in NODE_OPTIONS alone', () => {
    const given = growthFactors(['--heap-growing-percent=20'])
    expect(given.bounded).toBe(false)
    expect(given.factors.at(-1)).toBe('1.2')
    const capped = growthFactors([], { NODE_OPTIONS: '--max-old-space-size=512' })
    expect(capped.bounded).toBe(false)
    expect(capped.factors.at(-1)).not.toBe(String(1 + HEAP_GROWING_PERCENT / 100))
  })
})
