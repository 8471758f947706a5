import { expect } from 'vitest'
import { users } from '../support/device.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { openDevice } from '../support/stack.js'

/**
 * Scenario 3: a validation rule's refusal shows in pending changes with its message and field;
 * fixing the field syncs it.
 */
export async function validationError(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep2.username)
  const device = await openDevice(stack, '3-rep2', `/?record=${account.doc}`)
  const { page } = device
  await device.signIn(users.rep2)
  await device.waitForRecord(account.name)

  await device.setText('Phone', '555-0100')
  const change = device.pendingChanges.filter({ hasText: account.name })
  const error = change.locator('[part=error]')
  await error.waitFor({ timeout: 30_000 })
  expect(await error.textContent()).toMatch(
    /Phone must contain at least 10 digits\.[\s\S]*Fields: Account Phone[\s\S]*FIELD_CUSTOM_VALIDATION_EXCEPTION/,
  )
  await device.record.locator('[part=failure]').waitFor()
  await device.record
    .locator('[data-field="Phone"] .field-error', {
      hasText: 'Phone must contain at least 10 digits.',
    })
    .waitFor()
  await device.screenshot('3-validation-error')

  await change.getByRole('button', { name: 'Fix' }).click()
  // Fix opens the record with the field the error names focused.
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id))
    .toBe('f-Phone')
  await device.setText('Phone', '(206) 555-0100')
  await change.waitFor({ state: 'detached', timeout: 30_000 })
  const inOrg = (await stack.server.records('Account')).find((a) => a.Id === account.id)
  expect(inOrg?.Phone).toBe('(206) 555-0100')
  await device.screenshot('3-fixed')
  await device.close()
}
