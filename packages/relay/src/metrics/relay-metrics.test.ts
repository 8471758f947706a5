import { describe, expect, it } from 'vitest'
import { RelayMetrics } from './relay-metrics.js'

describe('RelayMetrics', () => {
  it('counts what the projector and the puller report under one briefcase_ name', async () => {
    const metrics = new RelayMetrics()
    metrics.increment('briefcase_projection_api_calls_total', { kind: 'write' })
    metrics.increment('projection_api_calls', { kind: 'write' }, 2)
    metrics.increment('briefcase_projection_api_calls_total', { kind: 'recovery', extra: 'x' })
    metrics.increment('briefcase_pull_api_calls_total')
    const text = await (await metrics.registry()).metrics()
    expect(text).toContain('briefcase_projection_api_calls_total{kind="write"} 3')
    expect(text).toContain('briefcase_projection_api_calls_total{kind="recovery"} 1')
    expect(text).toContain('briefcase_pull_api_calls_total 1')
    expect(text).not.toContain('briefcase_briefcase_')
  })

  it('reads the hot document count at each scrape', async () => {
    const metrics = new RelayMetrics()
    let hot = 3
    metrics.watchHotDocuments(() => hot)
    expect(await (await metrics.registry()).metrics()).toContain('briefcase_hot_documents 3')
    hot = 5
    expect(await (await metrics.registry()).metrics()).toContain('briefcase_hot_documents 5')
  })

  it('keeps what is reported before prom-client is loaded, and counts straight after', async () => {
    const metrics = new RelayMetrics()
    metrics.httpRequests.inc({ method: 'GET', route: '/auth/session', status: '401' })
    metrics.liveConnections.inc()
    metrics.liveConnections.inc()
    metrics.liveConnections.dec()
    metrics.committedUpdates.inc(4)
    metrics.commitSeconds.observe({ durability: 'synced' }, 0.002)
    const seconds = metrics.bulkSeconds.startTimer()()
    expect(seconds).toBeGreaterThanOrEqual(0)
    const registry = await metrics.registry()
    metrics.committedUpdates.inc()
    const text = await registry.metrics()
    expect(text).toContain(
      'briefcase_http_requests_total{method="GET",route="/auth/session",status="401"} 1',
    )
    expect(text).toContain('briefcase_live_connections 1')
    expect(text).toContain('briefcase_store_updates_total 5')
    expect(text).toContain('briefcase_store_commit_duration_seconds_count{durability="synced"} 1')
    expect(text).toContain(
      'briefcase_store_commit_duration_seconds_bucket{le="0.0025",durability="synced"} 1',
    )
    expect(text).toContain('briefcase_bulk_duration_seconds_count 1')
    expect(await metrics.registry()).toBe(registry)
  })
})
