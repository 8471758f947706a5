import type { Org } from '@briefcase/org'
import { createOrg } from '@briefcase/org'
import type { SqliteRelayStore } from '@briefcase/relay'
import type { TestRelay } from '@briefcase/relay/testing'
import { startTestRelay } from '@briefcase/relay/testing'
// Until @briefcase/relay re-exports the projection (see the report to the relay core).
import type { RelayProjection } from '../../packages/relay/src/projection/index.js'
import {
  SqlitePullStore,
  SqliteProjectionStore,
  createRelayProjection,
} from '../../packages/relay/src/projection/index.js'
import { Device } from '../relay/device.js'

/** An embedded org, a relay without its own projection, and a projection the test runs by hand. */
export interface ProjectionStack {
  org: Org
  t: TestRelay
  projection: RelayProjection
  /** Signs a device in (closed with the stack). */
  device(user: 'rep1' | 'rep2' | 'manager', id: string): Promise<Device>
  close(): Promise<void>
}

/** Starts a {@link ProjectionStack} with `accounts` seeded Accounts. */
export async function startProjectionStack(accounts: number): Promise<ProjectionStack> {
  const org = createOrg({ accounts })
  const t = await startTestRelay({ org })
  const database = (t.store as SqliteRelayStore).database
  const projection = createRelayProjection({
    hub: t.relay.hub,
    salesforce: t.relay.salesforce,
    projectionStore: new SqliteProjectionStore({ database }),
    pullStore: new SqlitePullStore({ database }),
  })
  const devices: Device[] = []
  return {
    org,
    t,
    projection,
    async device(user, id) {
      const d = await Device.signIn(t.url, user, id)
      devices.push(d)
      return d
    },
    async close() {
      for (const d of devices.splice(0)) d.close()
      await projection.stop()
      await t.close()
      await org.close()
    },
  }
}
