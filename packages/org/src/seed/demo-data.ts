import { DASHBOARDS } from '../analytics/definitions.js'
import { addDays, DAY, formatDate, startOfDay } from '../datetime.js'
import type { Random } from '../prng.js'
import { INDUSTRIES } from '../schema/account.js'
import { LEAD_STATUSES } from '../schema/lead.js'
import { STAGE_PROBABILITY, STAGES } from '../schema/opportunity.js'
import type { OrgState } from '../state.js'
import { insert, objectNamed as object } from './records.js'
import { SEEDED_USERS } from './users.js'
import { seedViews } from './views.js'
import * as W from './words.js'

const MINUTE = 60_000

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
}

function slug(s: string): string {
  return ascii(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
}

/** Demo data: accounts with contacts, opportunities, cases, tasks, events, leads, site visits and dashboards. */
export function seedData(state: OrgState, rng: Random, now: number, accountCount: number): void {
  const reps = SEEDED_USERS.filter((u) => u.managerId !== null)
  const manager = SEEDED_USERS.find((u) => u.managerId === null)
  if (!manager || reps.length === 0) return
  const today = formatDate(now)
  const past = (maxDays: number, minDays = 1): number =>
    now - rng.int(minDays * 1440, maxDays * 1440) * MINUTE
  const audit = (
    owner: string,
    maxDays = 300,
  ): { createdAt: number; modifiedAt: number; by: string; owner: string } => {
    const createdAt = past(maxDays, 2)
    const modifiedAt = createdAt + rng.int(0, Math.floor((now - createdAt) / MINUTE)) * MINUTE
    return { createdAt, modifiedAt, by: owner, owner }
  }
  const Account = object(state, 'Account')
  const Contact = object(state, 'Contact')
  const Opportunity = object(state, 'Opportunity')
  const Case = object(state, 'Case')
  const Task = object(state, 'Task')
  const Event = object(state, 'Event')
  const Lead = object(state, 'Lead')
  const Visit = object(state, 'Site_Visit__c')

  interface Acc {
    id: string
    name: string
    owner: string
    city: string
    contacts: Array<{ id: string; first: string }>
    opps: string[]
    cases: string[]
  }
  const accounts: Acc[] = []
  const names = new Set<string>()
  const company = (): string => {
    for (let attempt = 0; ; attempt++) {
      const base =
        `${rng.pick(W.COMPANY_FIRST)} ${rng.pick(W.COMPANY_SECOND)} ${rng.pick(W.COMPANY_SUFFIX)}`.trim()
      const name = attempt > 20 ? `${base} ${attempt}` : base
      if (!names.has(name)) {
        names.add(name)
        return name
      }
    }
  }

  for (let i = 0; i < accountCount; i++) {
    const owner = i % 10 === 9 ? manager.id : (reps[i % reps.length]?.id ?? manager.id)
    const name = company()
    const place = rng.pick(W.CITIES)
    const a = audit(owner)
    const id = insert(
      state,
      Account,
      {
        Name: name,
        Type: rng.pick([
          'Prospect',
          'Customer - Direct',
          'Customer - Direct',
          'Customer - Channel',
          'Technology Partner',
        ]),
        BillingStreet: `${rng.int(10, 9999)} ${rng.pick(W.STREETS)}`,
        BillingCity: place.city,
        BillingState: place.state,
        BillingPostalCode: place.zip,
        BillingCountry: 'United States',
        Phone: `(${place.area}) 555-${String(rng.int(0, 9999)).padStart(4, '0')}`,
        Website: `https://www.${slug(name)}.example.com`,
        Industry: rng.pick(INDUSTRIES),
        AnnualRevenue: rng.int(5, 500) * 100_000,
        NumberOfEmployees: rng.int(10, 5000),
        Rating: rng.chance(0.8) ? rng.pick(['Hot', 'Warm', 'Cold']) : null,
        Description: `${rng.pick(W.NOTES)} ${rng.pick(W.NOTES)}`,
        Credit_Limit__c: rng.int(10, 500) * 1000,
      },
      a,
    )
    accounts.push({ id, name, owner, city: place.city, contacts: [], opps: [], cases: [] })
  }

  for (const acc of accounts) {
    const n = rng.int(1, 3)
    for (let k = 0; k < n; k++) {
      const first = rng.pick(W.FIRST_NAMES)
      const last = rng.pick(W.LAST_NAMES)
      const id = insert(
        state,
        Contact,
        {
          AccountId: acc.id,
          FirstName: first,
          LastName: last,
          Title: rng.pick(W.TITLES),
          Email: `${slug(first)}.${slug(last)}@${slug(acc.name)}.example.com`,
          Phone: `(555) 01${String(rng.int(0, 99)).padStart(2, '0')}-${String(rng.int(0, 9999)).padStart(4, '0')}`,
          MailingCity: acc.city,
          Birthdate: rng.chance(0.5) ? addDays('1960-01-01', rng.int(0, 14_000)) : null,
          Description: rng.chance(0.4) ? rng.pick(W.NOTES) : null,
        },
        audit(acc.owner),
      )
      acc.contacts.push({ id, first })
    }
    const opps = rng.chance(0.25) ? 2 : rng.chance(0.75) ? 1 : 0
    for (let k = 0; k < opps; k++) {
      const stage = rng.pick(STAGES)
      const closed = stage.startsWith('Closed')
      const id = insert(
        state,
        Opportunity,
        {
          AccountId: acc.id,
          Name: `${acc.name} - ${rng.pick(['Service Plan', 'Fleet Upgrade', 'Sensors', 'Renewal', 'Installation', 'Expansion'])}`.slice(
            0,
            120,
          ),
          StageName: stage,
          CloseDate: addDays(today, closed ? -rng.int(1, 60) : rng.int(5, 120)),
          Amount: rng.int(5, 250) * 1000,
          Probability: STAGE_PROBABILITY[stage] ?? null,
          Type: rng.pick(['Existing Business', 'New Business']),
          Description: rng.chance(0.5) ? rng.pick(W.NOTES) : null,
        },
        audit(acc.owner, 120),
      )
      acc.opps.push(id)
    }
    if (rng.chance(0.5)) {
      const contact = rng.pick(acc.contacts)
      const status = rng.pick(['New', 'New', 'Working', 'Escalated', 'Closed'])
      acc.cases.push(
        insert(
          state,
          Case,
          {
            AccountId: acc.id,
            ContactId: contact.id,
            Subject: rng.pick(W.CASE_SUBJECTS),
            Status: status,
            Priority: rng.pick(['High', 'Medium', 'Medium', 'Low']),
            Origin: rng.pick(['Phone', 'Email', 'Web']),
            Description: `Reported by ${contact.first}. ${rng.pick(W.NOTES)}`,
          },
          audit(acc.owner, 90),
        ),
      )
    }
  }

  const byOwner = (owner: string): Acc[] => accounts.filter((a) => a.owner === owner)
  for (const user of [...reps, manager]) {
    const mine = byOwner(user.id)
    if (mine.length === 0) continue
    const taskCount = user.id === manager.id ? 20 : Math.round(accountCount / 3)
    for (let k = 0; k < taskCount; k++) {
      const acc = rng.pick(mine)
      const contact = rng.pick(acc.contacts)
      const what = acc.opps.length > 0 && rng.chance(0.4) ? rng.pick(acc.opps) : acc.id
      const done = rng.chance(0.25)
      insert(
        state,
        Task,
        {
          Subject: `${rng.pick(W.TASK_SUBJECTS)} - ${contact.first}`,
          WhatId: what,
          WhoId: contact.id,
          ActivityDate: addDays(today, done ? -rng.int(1, 30) : rng.int(-7, 21)),
          Status: done
            ? 'Completed'
            : rng.pick(['Not Started', 'Not Started', 'In Progress', 'Waiting on someone else']),
          Priority: rng.pick(['High', 'Normal', 'Normal', 'Low']),
          Description: rng.chance(0.3) ? rng.pick(W.NOTES) : null,
        },
        audit(user.id, 30),
      )
    }
    const eventCount = user.id === manager.id ? 10 : Math.round(accountCount / 5)
    for (let k = 0; k < eventCount; k++) {
      const acc = rng.pick(mine)
      const start = startOfDay(now) + rng.int(-14, 21) * DAY + rng.int(8, 16) * 60 * MINUTE
      insert(
        state,
        Event,
        {
          Subject: rng.pick(W.EVENT_SUBJECTS),
          Location: acc.city,
          WhatId: acc.id,
          WhoId: rng.pick(acc.contacts).id,
          StartDateTime: start,
          EndDateTime: start + rng.pick([30, 60, 90, 120]) * MINUTE,
          Description: rng.chance(0.3) ? rng.pick(W.NOTES) : null,
        },
        audit(user.id, 30),
      )
    }
  }

  for (let k = 0; k < Math.round(accountCount / 3); k++) {
    const first = rng.pick(W.FIRST_NAMES)
    const last = rng.pick(W.LAST_NAMES)
    const owner = k % 5 === 4 ? manager.id : (reps[k % reps.length]?.id ?? manager.id)
    const name = company()
    insert(
      state,
      Lead,
      {
        FirstName: first,
        LastName: last,
        Company: name,
        Email: `${slug(first)}@${slug(name)}.example.com`,
        Phone: `(555) 02${String(rng.int(0, 99)).padStart(2, '0')}-${String(rng.int(0, 9999)).padStart(4, '0')}`,
        Status: rng.pick([...LEAD_STATUSES, 'Open - Not Contacted', 'Working - Contacted']),
        Description: rng.chance(0.3) ? rng.pick(W.NOTES) : null,
      },
      audit(owner, 60),
    )
  }

  for (let k = 0; k < Math.round(accountCount * 0.375); k++) {
    const tech = reps[k % reps.length] ?? manager
    const acc = rng.pick(byOwner(tech.id).length > 0 ? byOwner(tech.id) : accounts)
    const offset = rng.int(-30, 30)
    insert(
      state,
      Visit,
      {
        Name: `Visit - ${acc.name}`.slice(0, 80),
        Account__c: acc.id,
        Case__c: acc.cases.length > 0 && rng.chance(0.5) ? rng.pick(acc.cases) : null,
        Visit_Date__c: addDays(today, offset),
        Status__c:
          offset < -1
            ? rng.chance(0.85)
              ? 'Done'
              : 'In Progress'
            : offset <= 0
              ? 'In Progress'
              : 'Planned',
        Notes__c: `${rng.pick(W.NOTES)}\n${rng.pick(W.NOTES)}`,
        Technician__c: tech.id,
      },
      audit(tech.id, 45),
    )
  }

  const Dashboard = object(state, 'Dashboard')
  for (const d of DASHBOARDS) {
    insert(
      state,
      Dashboard,
      {
        Title: d.title,
        DeveloperName: d.developerName,
        Description: d.description,
        FolderName: d.folder,
        RunningUserId: manager.id,
      },
      { createdAt: now - 200 * DAY, modifiedAt: now - 20 * DAY, by: manager.id },
    )
  }

  seedViews(state, rng, now)
}
