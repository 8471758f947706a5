import { formatDateTime } from '../datetime.js'
import { toSalesforceId } from '../ids.js'
import type { OrgState } from '../state.js'

function urls(origin: string, orgId: string, userId: string): Record<string, string> {
  const data = `${origin}/services/data/v{version}`
  return {
    enterprise: `${origin}/services/Soap/c/{version}/${orgId}`,
    metadata: `${origin}/services/Soap/m/{version}/${orgId}`,
    partner: `${origin}/services/Soap/u/{version}/${orgId}`,
    rest: `${data}/`,
    sobjects: `${data}/sobjects/`,
    search: `${data}/search/`,
    query: `${data}/query/`,
    recent: `${data}/recent/`,
    tooling_soap: `${origin}/services/Soap/T/{version}/${orgId}`,
    tooling_rest: `${data}/tooling/`,
    profile: `${origin}/${userId}`,
    feeds: `${data}/chatter/feeds`,
    groups: `${data}/chatter/groups`,
    users: `${data}/chatter/users`,
    feed_items: `${data}/chatter/feed-items`,
    feed_elements: `${data}/chatter/feed-elements`,
    custom_domain: origin,
  }
}

/** The identity service body (`GET /id/<org>/<user>`), or undefined for an unknown user. */
export function identity(
  state: OrgState,
  origin: string,
  rawUserId: string,
): Record<string, unknown> | undefined {
  const userId = toSalesforceId(rawUserId)
  const user = userId ? state.store.get('User', userId) : undefined
  if (!userId || !user || user.IsDeleted === true) return undefined
  const photo = `${origin}/profilephoto/005/F`
  return {
    id: `${origin}/id/${state.orgId}/${userId}`,
    asserted_user: true,
    user_id: userId,
    organization_id: state.orgId,
    username: user.Username,
    nick_name: String(user.Alias ?? ''),
    display_name: user.Name,
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName,
    last_name: user.LastName,
    timezone: user.TimeZoneSidKey ?? 'GMT',
    photos: { picture: photo, thumbnail: `${photo}/T` },
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: null,
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: urls(origin, state.orgId, userId),
    active: user.IsActive === true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    last_modified_date: formatDateTime(Number(user.LastModifiedDate)),
    is_app_installed: true,
  }
}

/** The OpenID Connect userinfo body for a user. */
export function userInfo(state: OrgState, origin: string, userId: string): Record<string, unknown> {
  const user = state.store.get('User', userId) ?? {}
  const photo = `${origin}/profilephoto/005/F`
  return {
    sub: `${origin}/id/${state.orgId}/${userId}`,
    user_id: userId,
    organization_id: state.orgId,
    preferred_username: user.Username ?? null,
    nickname: user.Alias ?? null,
    name: user.Name ?? null,
    email: user.Email ?? null,
    email_verified: true,
    given_name: user.FirstName ?? null,
    family_name: user.LastName ?? null,
    zoneinfo: user.TimeZoneSidKey ?? 'GMT',
    photos: { picture: photo, thumbnail: `${photo}/T` },
    profile: `${origin}/${userId}`,
    picture: photo,
    address: {},
    urls: urls(origin, state.orgId, userId),
    active: user.IsActive === true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    updated_at:
      typeof user.LastModifiedDate === 'number'
        ? new Date(user.LastModifiedDate).toISOString()
        : null,
  }
}
