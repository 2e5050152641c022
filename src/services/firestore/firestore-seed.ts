import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { documentName, type RestValue, type RestWrite } from './firestore-rest.ts'

/**
 * The documents of seed files, parsed once, ready to be written into any project. References name
 * the project they live in, so the writes are made per project.
 */
export interface FirestoreSeed {
  /** How many documents it writes. */
  readonly size: number
  writesFor(projectId: string): RestWrite[]
}

const FORMATS: Record<string, 'json' | 'yaml'> = { '.json': 'json', '.yml': 'yaml', '.yaml': 'yaml' }
const SUBCOLLECTIONS = '$collections'

type SeedDocument = Record<string, unknown>
type Parsed = Array<{ path: string; data: SeedDocument; file: string }>

/**
 * Reads seed files (relative to `baseDir`): each maps collection paths to documents by id; a
 * document's `$collections` holds its subcollections. `{ $timestamp: '2024-05-01T10:00:00Z' }`,
 * `{ $ref: 'makers/acme' }` and `{ $geo: [48.85, 2.35] }` write a timestamp, a reference, a geo point.
 * @example
 * const seed = await readFirestoreSeed(['test/fixtures/catalog.yaml'], process.cwd())
 */
export async function readFirestoreSeed(files: readonly string[], baseDir: string): Promise<FirestoreSeed> {
  const parsed: Parsed = []
  for (const file of files) parsed.push(...collectDocuments(await readSeedFile(resolve(baseDir, file)), file))
  const writesFor = (projectId: string) =>
    parsed.map(({ path, data, file }) => ({ path, fields: toFields(data, { projectId, file, path }) }))
  // Converting up front reports a bad value when the files are read, not in the first test.
  writesFor('testbed-check')
  return { size: parsed.length, writesFor }
}

async function readSeedFile(path: string): Promise<unknown> {
  const format = FORMATS[extname(path).toLowerCase()]
  if (format === undefined) {
    throw invalidSeed(path, 'firestore() `seeds` are .json, .yml or .yaml files, parsed by extension', 'the file name')
  }
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new TestbedError(
      'TESTBED_DATA_FIRESTORE_SEED_MISSING',
      {
        what: 'A Firestore seed file cannot be read',
        subject: path,
        why: `firestore({ seeds }) names it, relative to the project folder, but reading it failed: ${describeCause(error)}`,
        fix: 'Create the file, or correct its path in testbed.config.ts',
      },
      { cause: error },
    )
  }
  return parseText(text, format, path)
}

// The parsers' messages give the line and column (JSON's since Node 20).
function parseText(text: string, format: 'json' | 'yaml', path: string): unknown {
  try {
    return format === 'json' ? JSON.parse(text) : parseYaml(text, { merge: true })
  } catch (error) {
    // yaml follows its first line with the lines around the error; the first line names the place.
    const reason = describeCause(error).split('\n')[0]?.replace(/:$/, '')
    throw invalidSeed(path, `It is not valid ${format.toUpperCase()}: ${reason}`, 'its syntax')
  }
}

function collectDocuments(content: unknown, file: string, parent = ''): Parsed {
  if (!isPlainObject(content))
    throw invalidSeed(file, 'The file must map collection names to documents', parent || 'the top level')
  const documents: Parsed = []
  for (const [collection, byId] of Object.entries(content)) {
    const collectionPath = parent ? `${parent}/${collection}` : collection
    if (collectionPath.split('/').length % 2 === 0) {
      throw invalidSeed(
        file,
        'A collection path has an odd number of segments (`products`, `products/mug/reviews`)',
        collectionPath,
      )
    }
    if (!isPlainObject(byId)) throw invalidSeed(file, 'A collection maps document ids to documents', collectionPath)
    for (const [id, document] of Object.entries(byId))
      documents.push(...documentAt(`${collectionPath}/${id}`, document, file))
  }
  return documents
}

function documentAt(path: string, document: unknown, file: string): Parsed {
  if (!isPlainObject(document)) throw invalidSeed(file, 'A document is an object of fields', path)
  const { [SUBCOLLECTIONS]: subcollections, ...data } = document
  const nested = subcollections === undefined ? [] : collectDocuments(subcollections, file, path)
  return [{ path, data, file }, ...nested]
}

interface Where {
  projectId: string
  file: string
  path: string
}

function toFields(data: SeedDocument, where: Where): Record<string, RestValue> {
  return Object.fromEntries(Object.entries(data).map(([name, value]) => [name, toValue(value, where)]))
}

function toValue(value: unknown, where: Where): RestValue {
  if (value === null) return { nullValue: null }
  if (typeof value === 'boolean') return { booleanValue: value }
  if (typeof value === 'number')
    return Number.isInteger(value) ? { integerValue: String(value) } : { doubleValue: value }
  if (typeof value === 'string') return { stringValue: value }
  if (value instanceof Date) return { timestampValue: value.toISOString() }
  if (Array.isArray(value)) return { arrayValue: { values: value.map((item) => toValue(item, where)) } }
  if (isPlainObject(value)) return specialValue(value, where) ?? { mapValue: { fields: toFields(value, where) } }
  throw invalidSeed(where.file, `A field holds a value JSON and YAML do not have (${typeof value})`, where.path)
}

function specialValue(value: SeedDocument, where: Where): RestValue | null {
  const keys = Object.keys(value)
  if (keys.length !== 1 || !keys[0]?.startsWith('$')) return null
  const [key] = keys
  const content = value[key as string]
  if (key === '$timestamp') return { timestampValue: timestamp(content, where) }
  if (key === '$ref' && typeof content === 'string' && content.split('/').length % 2 === 0) {
    return { referenceValue: documentName(where.projectId, content) }
  }
  if (key === '$geo' && Array.isArray(content) && content.length === 2 && content.every((n) => typeof n === 'number')) {
    return { geoPointValue: { latitude: content[0], longitude: content[1] } }
  }
  throw invalidSeed(
    where.file,
    `\`${key}\` must be \`$timestamp: <ISO date>\`, \`$ref: <collection>/<id>\` or \`$geo: [<latitude>, <longitude>]\`, got ${JSON.stringify(value)}`,
    where.path,
  )
}

function timestamp(content: unknown, where: Where): string {
  const date = content instanceof Date ? content : new Date(String(content))
  if (Number.isNaN(date.getTime())) {
    throw invalidSeed(
      where.file,
      `\`$timestamp\` must be an ISO date such as 2024-05-01T10:00:00Z, got ${JSON.stringify(content)}`,
      where.path,
    )
  }
  return date.toISOString()
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

function invalidSeed(file: string, why: string, at: string): TestbedError {
  return new TestbedError('TESTBED_DATA_FIRESTORE_SEED_INVALID', {
    what: 'A Firestore seed file is not in the seed format',
    subject: `${file} at ${at}`,
    why,
    fix: 'Correct the file; docs/firestore.md shows the format',
  })
}
