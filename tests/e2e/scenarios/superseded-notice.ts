import { expect } from 'vitest'
import { users } from '../support/device.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/**
 * Beyond the six: two users edit the same field offline; the later edit wins everywhere, and the
 * user whose edit lost is told (a superseded notice in pending changes), never asked, until they
 * dismiss it.
 */
export async function supersededNotice(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep1.username, 1)
  const rep = await openDevice(stack, '7-rep1', `/?record=${account.doc}`)
  const manager = await openDevice(stack, '7-manager', `/?record=${account.doc}`)
  await Promise.all([rep.signIn(users.rep1), manager.signIn(users.manager)])
  await Promise.all([rep.waitForRecord(account.name), manager.waitForRecord(account.name)])

  await rep.goOffline()
  await manager.goOffline()
  await rep.setText('Phone', '(415) 555-0111')
  await manager.setText('Phone', '(415) 555-0222') // later: it wins
  // The later edit reaches the relay first; the earlier one, arriving after it, loses (the
  // relay shares the written edit with the rep's visibility group at the edit's own stamp).
  await manager.goOnline()
  await expect.poll(() => manager.pendingChanges.count(), { timeout: 20_000 }).toBe(0)
  await rep.goOnline()

  for (const device of [rep, manager]) {
    await expect.poll(() => device.value('Phone'), { timeout: 20_000 }).toBe('(415) 555-0222')
  }
  const notice = rep.pendingChanges.locator('[part=notice]')
  await notice.waitFor({ timeout: 20_000 })
  expect((await notice.textContent())?.replace(/\s+/g, ' ')).toContain(
    'Your edit of Account Phone (“(415) 555-0111”) was replaced by a later edit (“(415) 555-0222”)',
  )
  await expect
    .poll(
      async () => (await stack.server.records('Account')).find((r) => r.Id === account.id)?.Phone,
    )
    .toBe('(415) 555-0222')
  await rep.screenshot('7-superseded-notice')
  await rep.pendingChanges.getByRole('button', { name: 'Dismiss' }).click()
  await expect.poll(() => rep.pendingChanges.count(), { timeout: 20_000 }).toBe(0)
  await Promise.all([rep.close(), manager.close()])
}
