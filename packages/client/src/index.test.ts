import { describe, expect, expectTypeOf, it } from 'vitest'
import type {
  BriefcaseClient,
  CacheEntry,
  LogoutResult,
  PendingChangeView,
  RecordHandle,
} from './index.js'
import * as api from './index.js'

describe('the public entry', () => {
  it('exports the factory, the errors, the events and the closed sets, nothing else', () => {
    expect(Object.keys(api).sort()).toEqual([
      'BriefcaseClientError',
      'BriefcaseClientErrorCode',
      'CacheChangeEvent',
      'CacheSyncStatus',
      'DEFAULT_LIVE_SYNC_LIMIT',
      'DEFAULT_TIMINGS',
      'NoticeEvent',
      'PendingChangeEvent',
      'PendingState',
      'RecordChangeEvent',
      'RefreshProgressEvent',
      'StatusChangeEvent',
      'StorageErrorEvent',
      'createBriefcaseClient',
      'isBriefcaseClientError',
    ])
  })

  it('names events in kebab-case, each with its static name', () => {
    expect(
      [
        api.StatusChangeEvent,
        api.PendingChangeEvent,
        api.RefreshProgressEvent,
        api.StorageErrorEvent,
        api.RecordChangeEvent,
        api.NoticeEvent,
        api.CacheChangeEvent,
      ].map((e) => e.eventName),
    ).toEqual([
      'status-change',
      'pending-change',
      'refresh-progress',
      'storage-error',
      'record-change',
      'notice',
      'cache-change',
    ])
  })

  it('types listeners by event name and results by outcome', () => {
    expectTypeOf<BriefcaseClient['addEventListener']>().toBeFunction()
    const client = null as unknown as BriefcaseClient
    if (client) {
      client.addEventListener('refresh-progress', (e) => {
        expectTypeOf(e.done).toEqualTypeOf<number>()
      })
      client.addEventListener('notice', (e) => {
        expectTypeOf(e.change).toEqualTypeOf<PendingChangeView>()
      })
    }
    expectTypeOf<ReturnType<BriefcaseClient['listCache']>>().toEqualTypeOf<Promise<CacheEntry[]>>()
    expectTypeOf<ReturnType<BriefcaseClient['open']>>().toEqualTypeOf<Promise<RecordHandle>>()
    expectTypeOf<Extract<LogoutResult, { ok: false }>['unsynced']>().toEqualTypeOf<
      PendingChangeView[]
    >()
    expectTypeOf<RecordHandle['set']>().returns.toEqualTypeOf<Promise<void>>()
  })

  it('matches its errors across bundles by name and code', () => {
    const error = new api.BriefcaseClientError('BRIEFCASE_OFFLINE', 'Offline.')
    const copy = { name: 'BriefcaseClientError', code: 'BRIEFCASE_OFFLINE', message: 'Offline.' }
    expect(api.isBriefcaseClientError(error, 'BRIEFCASE_OFFLINE')).toBe(true)
    expect(api.isBriefcaseClientError(copy, 'BRIEFCASE_OFFLINE')).toBe(true)
    expect(api.isBriefcaseClientError(copy, 'BRIEFCASE_CLOSED')).toBe(false)
    expect(api.isBriefcaseClientError(new Error('x'))).toBe(false)
  })
})
