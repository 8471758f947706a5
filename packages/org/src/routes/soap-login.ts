import { Hono } from 'hono'
import { param } from '../http/context.js'
import type { OrgEnv } from '../http/env.js'
import { parseVersion } from '../http/versions.js'
import { callerFor, type OrgState } from '../state.js'
import { authenticate } from './oauth.js'

const XML = 'text/xml;charset=UTF-8'
const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>'

function unescape(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:\\w+:)?${name}>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)
  return m?.[1] === undefined ? undefined : unescape(m[1])
}

function fault(code: string, message: string): Response {
  return new Response(
    `${ENVELOPE_OPEN}<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${escape(message)}</faultstring></soapenv:Fault>${ENVELOPE_CLOSE}`,
    { status: 500, headers: { 'Content-Type': XML } },
  )
}

/**
 * The partner SOAP API's `login` and `logout` calls only, so jsforce's `login()` without OAuth
 * client credentials (its SOAP path) works. Everything else answers a SOAP fault.
 */
export function soapLoginRoutes(state: OrgState): Hono<OrgEnv> {
  const app = new Hono<OrgEnv>()
  app.post('/services/Soap/u/:version', async (c) => {
    const version = parseVersion(`v${param(c, 'version')}`)
    if (!version) return fault('UNSUPPORTED_API_VERSION', `Invalid Api version specified on URL`)
    const xml = await c.req.text()
    const origin = new URL(c.req.url).origin
    if (/<(?:\w+:)?login[\s>]/.test(xml)) {
      const userId = authenticate(
        state,
        element(xml, 'username') ?? '',
        element(xml, 'password') ?? '',
      )
      const caller = userId === undefined ? undefined : callerFor(state, userId)
      if (!userId || !caller) {
        return fault(
          'INVALID_LOGIN',
          'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
        )
      }
      c.set('caller', caller)
      const session = state.sessions.issueAccess(userId, state.clock.now())
      state.changed()
      const serverUrl = `${origin}/services/Soap/u/${version}/${state.orgId.slice(0, 15)}`
      const body =
        `<loginResponse><result><metadataServerUrl>${origin}/services/Soap/m/${version}/${state.orgId.slice(0, 15)}</metadataServerUrl>` +
        `<passwordExpired>false</passwordExpired><sandbox>true</sandbox><serverUrl>${serverUrl}</serverUrl>` +
        `<sessionId>${session.token}</sessionId><userId>${userId}</userId><userInfo>` +
        `<organizationId>${state.orgId}</organizationId><userEmail>${escape(caller.username)}</userEmail>` +
        `<userFullName>${escape(String(state.store.get('User', userId)?.Name ?? ''))}</userFullName>` +
        `<userId>${userId}</userId><userName>${escape(caller.username)}</userName></userInfo></result></loginResponse>`
      return new Response(`${ENVELOPE_OPEN}${body}${ENVELOPE_CLOSE}`, {
        status: 200,
        headers: { 'Content-Type': XML },
      })
    }
    if (/<(?:\w+:)?logout[\s/>]/.test(xml)) {
      const token = element(xml, 'sessionId')
      if (!token || !state.sessions.check(token, state.clock.now()).ok) {
        return fault(
          'INVALID_SESSION_ID',
          'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session',
        )
      }
      state.sessions.revoke(token)
      state.changed()
      return new Response(`${ENVELOPE_OPEN}<logoutResponse/>${ENVELOPE_CLOSE}`, {
        status: 200,
        headers: { 'Content-Type': XML },
      })
    }
    return fault(
      'UNKNOWN_EXCEPTION',
      'Only the login and logout calls of the SOAP API are available in this org.',
    )
  })
  return app
}
