import { expect } from 'vitest'
import { Device, users } from '../support/device.js'
import { accountOwnedBy } from '../support/org-data.js'
import type { Stack } from '../support/stack.js'
import { smallDiskProfile } from '../support/small-disk.js'

/**
 * Fills the device's disk from the page (a database of random bytes, in ever smaller writes)
 * until even a 100-byte write is refused; resolves with the bytes written.
 */
function fillTheDisk(): Promise<number> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('filler', 1)
    open.onupgradeneeded = () => open.result.createObjectStore('junk', { autoIncrement: true })
    open.onerror = () => reject(open.error ?? new Error('open failed'))
    open.onsuccess = () => {
      const db = open.result
      const put = (size: number): Promise<boolean> =>
        new Promise((done) => {
          const bytes = new Uint8Array(size)
          for (let i = 0; i < size; i += 65_536) {
            crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65_536)))
          }
          const tx = db.transaction('junk', 'readwrite')
          tx.objectStore('junk').add(bytes)
          tx.oncomplete = () => done(true)
          tx.onabort = () => done(false)
        })
      void (async () => {
        let written = 0
        for (const size of [1_000_000, 100_000, 10_000, 1_000, 100]) {
          while (await put(size)) written += size
        }
        db.close()
        resolve(written)
      })()
    }
  })
}

/**
 * The device runs out of storage (its profile on a small disk, filled up): the edit that does
 * not fit gives a message naming it and stays on screen marked Not saved, a field's and a long
 * text's alike; the edit stored before is kept; once there is room again, the next edit stores
 * the held ones too.
 */
export async function quotaExhausted(stack: Stack): Promise<void> {
  const account = await accountOwnedBy(stack.server, users.rep1.username, 1)
  const profile = await smallDiskProfile(48, stack.server.url)
  try {
    const device = await Device.inContext(profile.context, 'shell-quota', `/?record=${account.doc}`)
    const { page } = device
    await device.signIn(users.rep1)
    await device.waitForRecord(account.name)
    await device.workOffline()
    await device.setText('Phone', '(312) 555-0100')
    await device.editsStored()
    await page
      .locator('briefcase-cache [part=storage]', { hasText: 'Stored on this device' })
      .waitFor()

    expect(await page.evaluate(fillTheDisk)).toBeGreaterThan(1_000_000)
    const city = device.control('BillingCity')
    await city.fill('Springfield')
    await city.press('Tab')
    const alert = device.record.locator('[part=storage-full]')
    await alert.waitFor()
    expect(await alert.textContent()).toMatch(
      new RegExp(`out of storage: your change to Billing City of ${account.name} could not be`),
    )
    await device.record.locator('[data-field="BillingCity"] [part=unsaved-mark]').waitFor()
    expect(await device.value('BillingCity')).toBe('Springfield')
    expect(await device.value('Phone')).toBe('(312) 555-0100')
    await device.pendingMark('Phone').waitFor()
    // A long text typed with no room left stays on screen too, marked Not saved.
    const description = device.record.locator('[data-field="Description"] briefcase-long-text')
    await device.typeInto('Description', ' Call back.', 'end')
    await description.locator('[part=unsaved-mark]').waitFor()
    await description.locator('[role=alert]', { hasText: 'out of storage' }).waitFor()
    expect(await device.value('Description')).toBe(`${account.description} Call back.`)
    await device.screenshot('shell-quota-exhausted')

    // Room again: the next edit stores the held one with it, and a reload shows all three.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const request = indexedDB.deleteDatabase('filler')
          request.onsuccess = () => resolve()
          request.onerror = () => resolve()
        }),
    )
    await device.setText('BillingStreet', '42 Lake Shore Dr')
    await alert.waitFor({ state: 'detached' })
    await device.pendingMark('BillingCity').waitFor()
    await device.typeInto('Description', ' Today.', 'end')
    await description.locator('[part=unsaved-mark]').waitFor({ state: 'detached' })
    await device.editsStored()
    await page.reload()
    await device.waitForRecord(account.name)
    await expect.poll(() => device.value('Phone')).toBe('(312) 555-0100')
    expect(await device.value('BillingCity')).toBe('Springfield')
    expect(await device.value('BillingStreet')).toBe('42 Lake Shore Dr')
    expect(await device.value('Description')).toBe(`${account.description} Call back. Today.`)
  } finally {
    await profile.close()
  }
}
