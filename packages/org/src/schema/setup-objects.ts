import { defineObject } from './define.js'
import { reference, text } from './fields.js'
import type { ObjectDef } from './types.js'

/** Profile: read-only, so `Profile.Name` works in queries on User. */
export const profileObject: ObjectDef = defineObject({
  name: 'Profile',
  label: 'Profile',
  labelPlural: 'Profiles',
  keyPrefix: '00e',
  nameField: 'Name',
  sharing: 'Read',
  writable: false,
  owned: false,
  standard: [
    text('Name', 'Name', 255, { required: true }),
    text('Description', 'Description', 255),
  ],
})

/** Dashboard: read-only records behind the Analytics dashboards API; LastViewedDate per user. */
export const dashboardObject: ObjectDef = defineObject({
  name: 'Dashboard',
  label: 'Dashboard',
  labelPlural: 'Dashboards',
  keyPrefix: '01Z',
  nameField: 'Title',
  sharing: 'Read',
  writable: false,
  owned: false,
  standard: [
    text('Title', 'Title', 80, { required: true }),
    text('DeveloperName', 'Dashboard Unique Name', 80, { required: true }),
    text('Description', 'Description', 255),
    text('FolderName', 'Folder Name', 80),
    reference('RunningUserId', 'Running User ID', ['User'], 'RunningUser'),
  ],
})
