import type { FieldValue } from '@briefcase/record'
import { docName, serverStamp } from '@briefcase/record'
import { BASE_ID, EPOCH, SCALAR_FIELDS, TEXT_FIELDS, USERS, sfDatetime } from './fixtures.js'
import { emptyValues } from './model.js'
import type { SalesforceRecord } from './model.js'
import { runDeviceStep } from './device-steps.js'
import { runRelayStep } from './relay-steps.js'
import type { Schedule, Step } from './schedule.js'
import type { WorldOptions } from './world.js'
import { World, violation } from './world.js'

/**
 * The relay loads the Salesforce record every schedule starts from (as the puller would), and
 * every device gets a copy of it, as a device does when it first caches the record.
 */
function loadBaseRecord(world: World, baseText: readonly number[]): void {
  const record = world.model.addRecord(docName('Account', BASE_ID), null)
  const values: Record<string, FieldValue> = {
    ...emptyValues(),
    Name: 'Acme',
    Industry: 'Energy',
    NumberOfEmployees: 50,
    IsPartner__c: false,
  }
  TEXT_FIELDS.forEach((field, i) => {
    const text = world.model.newChars(baseText[i] ?? 0)
    values[field] = text === '' ? null : text
    record.insertChars(field, text)
  })
  const user = USERS[2]
  const sf: SalesforceRecord = {
    id: BASE_ID,
    lastModified: EPOCH,
    systemModstamp: EPOCH,
    lastModifiedBy: user,
    values,
    deleted: false,
  }
  record.salesforce = sf
  const doc = world.open(world.relay, record.name)
  const at = sfDatetime(sf.lastModified)
  const changed = doc.applyServerRecord(values, {
    salesforceId: BASE_ID,
    lastModifiedDate: at,
    systemModstamp: at,
    lastModifiedById: user,
  })
  const stamp = serverStamp(EPOCH, user)
  for (const field of SCALAR_FIELDS) {
    if (changed[field] !== stamp)
      violation('hlc-lww', `the base record's ${field} is not stamped ${stamp}`)
    record.edit({
      field,
      stamp,
      value: values[field] ?? null,
      source: 'base',
      node: world.relay.id,
      user,
    })
  }
  for (const field of Object.keys(values)) {
    record.shadow.set(field, { value: values[field] ?? null, stamp })
  }
  const state = doc.encodeState()
  world.record(record.name, state)
  for (const node of world.devices) world.open(node, record.name, state)
}

function runStep(world: World, step: Step): void {
  const network = world.network
  switch (step.op) {
    case 'wait':
      world.now += step.ms
      return
    case 'deliver':
      return network.deliver(step.link, step.message)
    case 'duplicate':
      return network.duplicate(step.link, step.message)
    case 'drop':
      return network.drop(step.link, step.message)
    case 'resend':
      return network.resend(step.link)
    case 'batch':
      return network.batch(step.link, step.message, step.count)
    case 'flushLink':
      return network.flushLink(step.link)
    case 'partition':
      return network.partition(step.nodes)
    case 'heal':
      return network.heal()
    case 'handshake': {
      const from = world.nodes[step.from % world.nodes.length]
      const to = world.nodes[step.to % world.nodes.length]
      if (!from || !to || from === to) return
      return world.handshake(from, to)
    }
    case 'lose':
      return network.lose(step.link, step.message)
    case 'serverChange':
    case 'ack':
    case 'systemTouch':
    case 'serverDelete':
    case 'status':
      return runRelayStep(world, step)
    default:
      return runDeviceStep(world, step)
  }
}

/** Runs a schedule to the end, then delivers everything and syncs every replica. */
export function runSchedule(schedule: Schedule, options: WorldOptions): World {
  const world = new World(schedule, options)
  loadBaseRecord(world, schedule.baseText)
  for (const step of schedule.steps) runStep(world, step)
  world.fullSync()
  return world
}
