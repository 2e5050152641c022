import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { decodeText } from '../message-text.ts'

/** A body as a person reads it in the cassette: JSON as JSON, text as text, anything else as base64. */
export type CassetteBody = { json: unknown } | { text: string } | { base64: string }

export interface RecordedRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: CassetteBody
}

export interface RecordedResponse {
  status: number
  headers: Record<string, string | string[]>
  body?: CassetteBody
}

export interface Interaction {
  request: RecordedRequest
  response: RecordedResponse
}

export interface Cassette {
  version: 1
  interactions: Interaction[]
}

/** The cassette at `path`, or undefined when there is none. */
export function readCassette(path: string): Cassette | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw invalidCassette(path, error)
  }
  try {
    const cassette = JSON.parse(text) as Cassette
    if (cassette.version !== 1 || !Array.isArray(cassette.interactions))
      throw new Error('expected { "version": 1, "interactions": [...] }')
    return cassette
  } catch (error) {
    throw invalidCassette(path, error)
  }
}

/** Pretty JSON, two spaces, a final newline: re-recording the same exchanges gives the same file. */
export function serializeCassette(cassette: Cassette): string {
  return `${JSON.stringify(cassette, null, 2)}\n`
}

/** Writes through a temporary file so a reader never sees half a cassette. */
export function writeCassette(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, path)
}

export function toCassetteBody(bytes: Uint8Array, contentType: string | null): CassetteBody | undefined {
  if (bytes.byteLength === 0) return undefined
  const text = decodeText(bytes)
  if (text === undefined) return { base64: Buffer.from(bytes).toString('base64') }
  if (contentType !== null && /\bjson\b/i.test(contentType)) {
    try {
      return { json: JSON.parse(text) }
    } catch {
      // A body that says JSON but is not stays text, as it was sent.
    }
  }
  return { text }
}

export function cassetteBodyBytes(body: CassetteBody | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array()
  if ('base64' in body) return Buffer.from(body.base64, 'base64')
  return new TextEncoder().encode('json' in body ? JSON.stringify(body.json) : body.text)
}

/**
 * The cassette file of one test: `<dir>/<each name as a slug>.json`.
 * @example cassettePath('test/cassettes', 'payments.test.ts', 'charges a card') // test/cassettes/payments-test-ts/charges-a-card.json
 */
export function cassettePath(dir: string, ...names: string[]): string {
  const slugs = names.map(slug)
  const file = slugs.pop() ?? 'cassette'
  return join(dir, ...slugs, `${file}.json`)
}

function slug(name: string): string {
  const words = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (words.length <= 100) return words || 'unnamed'
  // Long names that share a start stay distinct.
  return `${words.slice(0, 91)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`
}

function invalidCassette(path: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_HTTP_CASSETTE_INVALID',
    {
      what: 'Cannot read the cassette',
      subject: path,
      why: `It is not a cassette testbed wrote: ${describeCause(cause)}`,
      fix: 'Delete it and record again with `TESTBED_HTTP_MODE=record`, or fix the file by hand',
    },
    { cause },
  )
}
