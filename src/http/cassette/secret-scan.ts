// The last look at a cassette before it is written: anything that still looks like a secret
// (a value redacted elsewhere, a value of `secrets`, a secret by shape) in the places recording
// does not rewrite, such as JSON keys and binary bodies, or anywhere, should redaction have missed it.
import { TestbedError } from '../../core/errors.ts'
import type { Interaction } from './cassette-file.ts'
import { formatPath, type PathSegment } from './json-path.ts'
import { LISTED, type Redactor } from './redaction.ts'
import { findShapes } from './secret-shapes.ts'

/** A place in the cassette that still looks like it holds a secret. */
export interface SecretFinding {
  /** Within its interaction: what `allow` takes. */
  place: PathSegment[]
  interaction: number
  what: string
}

/** Every place in `interactions` that still looks like it holds a secret, allowed places aside. */
export function scanForSecrets(interactions: readonly Interaction[], redactor: Redactor): SecretFinding[] {
  const findings: SecretFinding[] = []
  interactions.forEach((interaction, index) => {
    for (const part of ['request', 'response'] as const) {
      walk(interaction[part], [part], (place, text, asKey) => {
        const what = secretIn(text, redactor, !redactor.allows(place))
        if (what !== undefined)
          findings.push({ place, interaction: index, what: asKey ? `a JSON key holds ${what}` : what })
      })
    }
  })
  return findings
}

type Visit = (place: PathSegment[], text: string, asKey: boolean) => void

function walk(value: unknown, place: PathSegment[], visit: Visit): void {
  if (typeof value === 'string') visit(place, isBase64Body(place) ? decodeBinary(value) : value, false)
  else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walk(item, [...place, index], visit)
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      visit(place, key, true)
      walk(item, [...place, key], visit)
    }
  }
}

function isBase64Body(place: PathSegment[]): boolean {
  return place.at(-1) === 'base64' && place.at(-2) === 'body'
}

/** Bytes as Latin-1 text, so that the secrets an encoding like protobuf carries verbatim show. */
function decodeBinary(base64: string): string {
  return Buffer.from(base64, 'base64').toString('latin1')
}

function secretIn(text: string, redactor: Redactor, checkShapes: boolean): string | undefined {
  for (const [secret, origin] of redactor.known) {
    if (![secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)].some((form) => text.includes(form)))
      continue
    return origin === LISTED ? 'a value of the `secrets` option' : `the value redacted at ${origin}`
  }
  const [shape] = checkShapes ? findShapes(text) : []
  return shape && `${shape.kind} (${shape.value.length} characters)`
}

/** The error that keeps a cassette from being written, naming each place. */
export function secretInCassette(path: string, findings: readonly SecretFinding[]): TestbedError {
  return new TestbedError('TESTBED_HTTP_SECRET_IN_CASSETTE', {
    what: 'The recorded cassette still looks like it holds a secret, so it was not written',
    subject: path,
    why: 'Recording replaces secrets with `[redacted]`: by name (Authorization and cookie headers; headers, parameters, form and JSON fields named like a token, secret, password, API key, signature or credential), by shape (private keys, JWTs, credentials after Bearer or Basic, provider keys such as AKIA…, ghp_…, sk_live_…, long random strings), and each value it removed, or listed in `secrets`, wherever else it appears. It does not rewrite JSON keys or binary bodies, and found the places below',
    fix: 'Answer that request with a declared mock instead of recording it, or, if what a place holds is no secret, keep it with the `allow` option (the pattern after the place), and record again',
    details: findings.map(
      ({ place, interaction, what }) =>
        `${formatPath(['interactions', interaction, ...place])}: ${what}; allow: '${formatPath(place)}'`,
    ),
  })
}
