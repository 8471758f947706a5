import { expect } from 'vitest'
import { users } from '../support/device.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/**
 * Scenario 9: a manager creates an Account with Credit_Limit__c, a field reps may not read (its
 * own partition, ADR 0005), from the "+" dialog; the org gets one Account with both values.
 */
export async function managerCreate(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep1.username)
  // A rep's view of Account is known first: Credit_Limit__c is in a partition of its own.
  const rep = await openDevice(stack, '9-rep1', `/?record=${account.doc}`)
  await rep.signIn(users.rep1)
  await rep.waitForRecord(account.name)
  await rep.close()

  const manager = await openDevice(stack, '9-manager', `/?record=${account.doc}`)
  await manager.signIn(users.manager)
  await manager.waitForRecord(account.name)
  await manager.page.locator('briefcase-create [part=button]:not([disabled])').waitFor()
  await manager.create('New Account', async (form) => {
    await form.locator('[data-field="Name"] input').fill('Limitless Lending')
    await form.locator('[data-field="Credit_Limit__c"] input').fill('250000')
  })
  await manager.waitForRecord('Limitless Lending')
  const created = async (): Promise<unknown[]> =>
    (await stack.server.records('Account'))
      .filter((a) => a.Name === 'Limitless Lending')
      .map((a) => a.Credit_Limit__c)
  await expect.poll(created, { timeout: 30_000 }).toEqual([250_000])
  await manager.screenshot('9-created')
  await manager.close()
}
