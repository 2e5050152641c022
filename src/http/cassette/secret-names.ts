// Which names mark a secret: headers, query and form parameters, JSON fields, `name=value` and
// `name: value` pairs in text. Names are compared without case, `-`, `_`, `.`, spaces and a
// trailing number, so `X-Access-Token`, `access_token`, `accessToken` and `X-Hub-Signature-256`
// all match.

/** Headers whose values are secrets, whatever their names would say. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie'])

/** A name ending like one of these is a secret's: `client_secret`, `X-Api-Key`, `refresh_token`. */
const SECRET_ENDINGS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'apikey',
  'apikeys',
  'accesskey',
  'secretkey',
  'privatekey',
  'signingkey',
  'subscriptionkey',
  'credential',
  'credentials',
  'signature',
  'authorization',
  'cookie',
  'sessionid',
  'auth',
]

/** Names that are a secret's only when they are the whole name: `?key=`, `?sig=`. */
const SECRET_NAMES = new Set(['key', 'sig', 'pwd', 'pass', 'jwt', 'otp'])

/** The form names are compared in. */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[-_.\s]/g, '')
    .replace(/\d+$/, '')
}

/** Whether `name` (a parameter, field or pair name) marks a secret, by the rules or by `extra` (normalized names). */
export function isSecretName(name: string, extra: ReadonlySet<string> = new Set()): boolean {
  const normalized = normalizeName(name)
  if (normalized === '') return false
  return extra.has(normalized) || SECRET_NAMES.has(normalized) || SECRET_ENDINGS.some((end) => normalized.endsWith(end))
}

/** Whether the header `name` (lower case) holds a secret. */
export function isSecretHeader(name: string, extra: ReadonlySet<string>): boolean {
  return SECRET_HEADERS.has(name) || extra.has(name) || isSecretName(name)
}
