import { describe, expect, it } from 'vitest'
import { RelayMetrics } from './relay-metrics.js'

describe('RelayMetrics', () => {
  it('counts what the projector and the puller report under one briefcase_ name', async () => {
    const metrics = new RelayMetrics()
    metrics.increment('briefcase_projection_api_calls_total', { kind: 'write' })
    metrics.increment('projection_api_calls', { kind: 'write' }, 2)
    metrics.increment('briefcase_projection_api_calls_total', { kind: 'recovery', extra: 'x' })
    metrics.increment('briefcase_pull_api_calls_total')
    const text = await metrics.registry.metrics()
    expect(text).toContain('briefcase_projection_api_calls_total{kind="write"} 3')
    expect(text).toContain('briefcase_projection_api_calls_total{kind="recovery"} 1')
    expect(text).toContain('briefcase_pull_api_calls_total 1')
    expect(text).not.toContain('briefcase_briefcase_')
  })

  it('reads the hot document count at each scrape', async () => {
    const metrics = new RelayMetrics()
    let hot = 3
    metrics.watchHotDocuments(() => hot)
    expect(await metrics.registry.metrics()).toContain('briefcase_hot_documents 3')
    hot = 5
    expect(await metrics.registry.metrics()).toContain('briefcase_hot_documents 5')
  })
})
