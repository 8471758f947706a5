import { Hono } from 'hono'
import { createRecord } from '../dml/save.js'
import { ApiError, notFound } from '../errors.js'
import { readJson } from '../http/body.js'
import { param, requestContext, slash, V } from '../http/context.js'
import type { OrgContext, OrgEnv } from '../http/env.js'
import { sfJson } from '../http/respond.js'
import { describeField } from '../schema/describe.js'
import type { ObjectDef } from '../schema/types.js'
import { fieldAccess, objectPermissions } from '../security/profiles.js'
import { apiValue } from '../store/render.js'
import type { OrgState, RequestContext } from '../state.js'
import { objectOf } from './sobjects.js'

/** Objects with a `<Object>.create` quick action. */
export const QUICK_ACTION_OBJECTS: readonly string[] = [
  'Account',
  'Contact',
  'Opportunity',
  'Case',
  'Lead',
  'Task',
  'Event',
  'Site_Visit__c',
]

function actionsFor(state: OrgState, ctx: RequestContext): ObjectDef[] {
  return QUICK_ACTION_OBJECTS.map((n) => state.schema.object(n)).filter(
    (o): o is ObjectDef => o !== undefined && objectPermissions(ctx.caller.profile, o.name).create,
  )
}

function summary(base: string, object: ObjectDef): Record<string, unknown> {
  const name = `${object.name}.create`
  return {
    actionEnumOrId: name,
    label: `New ${object.label}`,
    name,
    type: 'Create',
    urls: {
      defaultValues: `${base}/${name}/defaultValues`,
      quickAction: `${base}/${name}`,
      describe: `${base}/${name}/describe`,
      defaultValuesTemplate: `${base}/${name}/defaultValues/{ID}`,
    },
  }
}

function actionObject(state: OrgState, ctx: RequestContext, name: string): ObjectDef {
  const m = /^(.+)\.create$/i.exec(name)
  const object = m?.[1] === undefined ? undefined : state.schema.object(m[1])
  if (!object || !actionsFor(state, ctx).includes(object)) throw notFound()
  return object
}

function describe(ctx: RequestContext, object: ObjectDef): Record<string, unknown> {
  const fields = object.fields.filter(
    (f) =>
      f.createable &&
      fieldAccess(ctx.caller.profile, object.name, f.name, ctx.caller.fls) === 'edit' &&
      f.name !== 'Briefcase_Draft_Key__c',
  )
  const rows: Record<string, unknown>[] = []
  for (let i = 0; i < fields.length; i += 2) {
    const items = fields.slice(i, i + 2).map((f, j) => ({
      editableForNew: true,
      editableForUpdate: false,
      label: f.label,
      layoutComponents: [
        {
          details: describeField(ctx.caller, object, f),
          displayLines: 1,
          tabOrder: i + j + 1,
          type: 'Field',
          value: f.name,
        },
      ],
      placeholder: false,
      required: !f.nillable && !f.defaultedOnCreate,
    }))
    rows.push({ layoutItems: items, numItems: items.length })
  }
  const name = `${object.name}.create`
  return {
    actionEnumOrId: name,
    canvasApplicationId: null,
    canvasApplicationName: null,
    colors: [],
    contextSobjectType: null,
    defaultValues: [],
    flowDevName: null,
    flowRecordIdVar: null,
    height: null,
    iconName: null,
    iconUrl: null,
    icons: [],
    label: `New ${object.label}`,
    layout: {
      collapsed: false,
      columns: 2,
      heading: null,
      layoutRows: rows,
      layoutSectionId: null,
      parentLayoutId: null,
      rows: rows.length,
      tabOrder: 'LeftToRight',
      useCollapsibleSection: false,
      useHeading: false,
    },
    lightningComponentBundleId: null,
    lightningComponentBundleName: null,
    lightningComponentQualifiedName: null,
    miniLayout: null,
    name,
    showQuickActionLcHeader: true,
    showQuickActionVfHeader: true,
    targetParentField: null,
    targetRecordTypeId: null,
    targetSobjectType: object.name,
    type: 'Create',
    visualforcePageName: null,
    visualforcePageUrl: null,
    width: null,
  }
}

function defaultValues(ctx: RequestContext, object: ObjectDef): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: object.name } }
  for (const f of object.fields) {
    if (
      f.createable &&
      fieldAccess(ctx.caller.profile, object.name, f.name, ctx.caller.fls) === 'edit' &&
      f.defaultValue !== null
    ) {
      out[f.name] = apiValue(f, f.defaultValue)
    }
  }
  if (object.owned) out.OwnerId = ctx.caller.userId
  return out
}

/** Global and per-object quick actions: `<Object>.create` (type Create) for the main objects. */
export function quickActionRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()

  const register = (base: string, scoped: boolean): void => {
    const urlBase = (ctx: RequestContext, c: OrgContext): string =>
      scoped
        ? `/services/data/v${ctx.version}/sobjects/${objectOf(state, c).name}/quickActions`
        : `/services/data/v${ctx.version}/quickActions`

    app.on('GET', slash(base), (c) => {
      const ctx = requestContext(c, state)
      const all = actionsFor(state, ctx)
      const own = scoped ? objectOf(state, c) : undefined
      const ordered = own ? [...all.filter((o) => o === own), ...all.filter((o) => o !== own)] : all
      return sfJson(
        c,
        ordered.map((o) => summary(urlBase(ctx, c), o)),
      )
    })
    app.on('GET', slash(`${base}/:name/describe`), (c) => {
      const ctx = requestContext(c, state)
      return sfJson(c, describe(ctx, actionObject(state, ctx, param(c, 'name'))))
    })
    app.on(
      'GET',
      [...slash(`${base}/:name/defaultValues`), ...slash(`${base}/:name/defaultValues/:context`)],
      (c) => {
        const ctx = requestContext(c, state)
        return sfJson(c, defaultValues(ctx, actionObject(state, ctx, param(c, 'name'))))
      },
    )
    app.on('GET', slash(`${base}/:name`), (c) => {
      const ctx = requestContext(c, state)
      return sfJson(c, summary(urlBase(ctx, c), actionObject(state, ctx, param(c, 'name'))))
    })
    app.on('POST', slash(`${base}/:name`), async (c) => {
      const ctx = requestContext(c, state)
      const object = actionObject(state, ctx, param(c, 'name'))
      const body = (await readJson(c, state.maxBodyBytes)) as {
        contextId?: unknown
        record?: unknown
      }
      if (
        typeof body !== 'object' ||
        body === null ||
        typeof body.record !== 'object' ||
        body.record === null
      ) {
        throw new ApiError(
          400,
          'JSON_PARSER_ERROR',
          'The request body must be { "contextId": ..., "record": { ... } }',
        )
      }
      const id = createRecord(ctx, object, body.record)
      return sfJson(c, {
        contextId: typeof body.contextId === 'string' ? body.contextId : null,
        created: true,
        errors: [],
        feedItemIds: null,
        id,
        success: true,
      })
    })
  }

  register(`${V}/quickActions`, false)
  register(`${V}/sobjects/:type/quickActions`, true)
  return app
}
