/** Fields the authorize form carries through its round trip. */
export interface AuthorizeParams {
  readonly client_id: string
  readonly redirect_uri: string
  readonly response_type: string
  readonly state?: string
  readonly scope?: string
  readonly code_challenge?: string
  readonly code_challenge_method?: string
}

function escape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f3f3f3;margin:0;display:flex;justify-content:center}
main{background:#fff;margin-top:8vh;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 2px 8px #0002;width:22rem}
h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .3rem;font-size:.9rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #bbb;border-radius:4px}
button{margin-top:1.2rem;width:100%;padding:.65rem;background:#0176d3;color:#fff;border:0;border-radius:4px;font-size:1rem}
.error{color:#c23934;font-size:.9rem}.hint{color:#666;font-size:.8rem;margin-top:1rem}`

/** The sign-in form of `GET /services/oauth2/authorize`. */
export function loginPage(
  params: AuthorizeParams,
  options: { error?: string; username?: string } = {},
): string {
  const hidden = Object.entries(params)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('\n      ')
  const error = options.error ? `<p class="error" role="alert">${escape(options.error)}</p>` : ''
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Login | Briefcase Org</title><style>${STYLE}</style></head>
<body><main>
  <h1>Log in to Briefcase Org</h1>
  ${error}
  <form method="post" action="/services/oauth2/authorize">
      ${hidden}
    <label for="username">Username</label>
    <input type="text" id="username" name="username" autocomplete="username" value="${escape(options.username ?? '')}" required>
    <label for="password">Password</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required>
    <button type="submit">Log In</button>
  </form>
  <p class="hint">A local Salesforce org for development. Seeded users are listed in the org's README.</p>
</main></body></html>`
}

/** The page Salesforce shows when an authorization request itself is wrong. */
export function errorPage(error: string, description: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OAuth Error | Briefcase Org</title><style>${STYLE}</style></head>
<body><main><h1>OAuth Error</h1><p class="error" role="alert">error=${escape(error)}</p><p>${escape(description)}</p></main></body></html>`
}
