import { Hono } from 'hono'
import type { OrgEnv } from '../http/env.js'
import { errorAnswer } from '../http/respond.js'

const V = String.raw`^/services/data/v\d+\.0`
const NAME = String.raw`[A-Za-z][A-Za-z0-9_]*`
const KEY = String.raw`[^/]+`

/** Resources and the methods Salesforce allows on them (in its `Allowed are …` order). */
const RESOURCES: ReadonlyArray<[RegExp, string]> = [
  [new RegExp(`${V}/sobjects/?$`), 'HEAD,GET'],
  [new RegExp(`${V}/sobjects/${NAME}/?$`), 'HEAD,GET,POST'],
  [new RegExp(`${V}/sobjects/${NAME}/(describe|updated|deleted|listviews)/?$`), 'HEAD,GET'],
  [new RegExp(`${V}/sobjects/${NAME}/${KEY}/?$`), 'HEAD,GET,PATCH,DELETE'],
  [new RegExp(`${V}/sobjects/${NAME}/${NAME}/${KEY}/?$`), 'HEAD,GET,PATCH,DELETE'],
  [new RegExp(`${V}/(query|queryAll)(/${KEY})?/?$`), 'HEAD,GET'],
  [new RegExp(`${V}/composite/?$`), 'POST'],
  [new RegExp(`${V}/composite/sobjects/?$`), 'POST,PATCH,DELETE'],
  [new RegExp(`${V}/composite/sobjects/${NAME}/?$`), 'HEAD,GET,POST'],
  [new RegExp(`${V}/composite/sobjects/${NAME}/${NAME}/?$`), 'PATCH'],
  [new RegExp(`${V}/(limits|recent)/?$`), 'HEAD,GET'],
]

/**
 * The last data API route: 405 METHOD_NOT_ALLOWED for a known resource with a method it does
 * not take, 404 NOT_FOUND for anything else.
 */
export function fallbackRoutes(): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  app.all('/services/*', (c) => {
    const found = RESOURCES.find(([re]) => re.test(c.req.path))
    if (found) {
      return errorAnswer(
        405,
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${c.req.method}' not allowed. Allowed are ${found[1]}`,
      )
    }
    return errorAnswer(404, 'NOT_FOUND', 'The requested resource does not exist')
  })
  return app
}
