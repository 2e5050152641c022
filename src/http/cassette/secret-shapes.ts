// Secrets recognised by their shape, wherever they are: private keys, JWTs, credentials after an
// auth scheme, provider keys with a known prefix, and long random strings.

export interface ShapeMatch {
  /** What it is, for messages: `a JWT`. */
  kind: string
  /** The secret itself (for a credential, without its scheme). */
  value: string
  index: number
}

interface Shape {
  kind: string
  pattern: RegExp
  /** The capture group that holds the secret, when the match holds more. */
  group?: number
}

const SHAPES: readonly Shape[] = [
  {
    kind: 'a private key',
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g,
  },
  { kind: 'a JWT', pattern: /\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/g },
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,})/g },
  { kind: 'a GitLab token', pattern: /\bglpat-[\w-]{20,}/g },
  { kind: 'a Stripe key', pattern: /\b(?:(?:sk|rk)_(?:live|test)|whsec)_[A-Za-z0-9]{10,}/g },
  { kind: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'a Google API key', pattern: /\bAIza[\w-]{35}/g },
  { kind: 'a SendGrid key', pattern: /\bSG\.[\w-]{16,}\.[\w-]{16,}/g },
  { kind: 'an OpenAI key', pattern: /\bsk-(?:proj-)?[\w-]{20,}/g },
  { kind: 'an npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  {
    kind: 'a credential after an auth scheme',
    pattern: /\b(?:Bearer|Basic|Token|Digest|Negotiate)\s+([\w.~+/=-]{8,})/gi,
    group: 1,
  },
]

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi
const RANDOM_CANDIDATE = /[A-Za-z0-9+/_=-]{32,}/g
const MIN_RANDOM_LENGTH = 32
const MIN_RANDOM_ENTROPY = 4
const MAX_RANDOM_WORD = 3
const MAX_RANDOM_VOWELS = 0.25

/** Every secret in `text` recognised by its shape, in order of position, without overlaps. */
export function findShapes(text: string): ShapeMatch[] {
  const found = [...SHAPES.flatMap((shape) => matchesOf(shape, text)), ...randomStrings(text)]
  found.sort((a, b) => a.index - b.index || b.value.length - a.value.length)
  const kept: ShapeMatch[] = []
  for (const match of found) {
    const last = kept.at(-1)
    if (last === undefined || match.index >= last.index + last.value.length) kept.push(match)
  }
  return kept
}

function matchesOf({ kind, pattern, group }: Shape, text: string): ShapeMatch[] {
  const matches: ShapeMatch[] = []
  for (const match of text.matchAll(pattern)) {
    const value = group === undefined ? match[0] : match[group]
    if (value === undefined || (group !== undefined && !isCredentialLike(value))) continue
    matches.push({ kind, value, index: match.index + match[0].lastIndexOf(value) })
  }
  return matches
}

/** After `Basic` or `Bearer` in prose comes a word; a credential has a digit or a symbol in it. */
function isCredentialLike(value: string): boolean {
  return /[\d.~+/=_-]/.test(value)
}

/** Long random runs (keys, tokens, hex digests); UUIDs are ids and are left alone. */
function randomStrings(text: string): ShapeMatch[] {
  const masked = text.replace(UUID, (uuid) => ' '.repeat(uuid.length))
  const matches: ShapeMatch[] = []
  for (const match of masked.matchAll(RANDOM_CANDIDATE)) {
    if (isRandom(match[0])) matches.push({ kind: 'a long random string', value: match[0], index: match.index })
  }
  return matches
}

/**
 * Hex of 32 digits or more (keys and digests look alike), or a run of letters and digits long and
 * varied enough to be random: digits and letters, 4+ bits a character, in fragments rather than
 * words or with few vowels.
 */
export function isRandom(candidate: string): boolean {
  const core = candidate.replace(/=+$/, '')
  if (core.length < MIN_RANDOM_LENGTH) return false
  if (/^[0-9a-f]+$/i.test(core)) return /\d/.test(core) && /[a-f]/i.test(core)
  // A path (`/api/v1/Users/123/Orders`) has far more slashes than base64 does.
  if (core.split('/').length - 1 > core.length / 16) return false
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((pattern) => pattern.test(core)).length
  if (classes < 2 || !/\d/.test(core) || entropy(core) < MIN_RANDOM_ENTROPY) return false
  return meanWordLength(core) < MAX_RANDOM_WORD || vowelShare(core) < MAX_RANDOM_VOWELS
}

/** About 0.19 for random letters, 0.35 or more for names and words. */
function vowelShare(text: string): number {
  const letters = text.replace(/[^a-z]/gi, '')
  return letters.length === 0 ? 0 : letters.replace(/[^aeiou]/gi, '').length / letters.length
}

/** Names and slugs are made of words (`PascalCaseName`, `a-long-title-2024`); random strings of fragments. */
function meanWordLength(text: string): number {
  const words = text.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []
  return words.length === 0 ? 0 : words.reduce((sum, word) => sum + word.length, 0) / words.length
}

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>()
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length)
  return bits
}
