import pg from 'pg'

const TEMPLATE_PREFIX = 'testbed_tpl_'
const BUILD_PREFIX = 'testbed_tplbuild_'
// A complete template carries this comment; the rename that publishes it comes last, so a crashed
// build is only ever seen under its build name.
const MARKER = 'testbed template '

/** What testbed records about a template, as the database's comment. */
export interface TemplateMeta {
  hash: string
  testbed: string
  server: string
  created: string
  used: string
}

/** A `testbed_tpl…` database on the server: a complete template, or a build in progress or abandoned. */
export interface CatalogEntry {
  name: string
  /** The first 16 hex digits of the template hash: the name suffix and the lock's identity. */
  shortHash: string
  kind: 'template' | 'build'
  meta: TemplateMeta | null
}

export function shortHash(hash: string): string {
  return hash.slice(0, 16)
}

export function templateName(hash: string): string {
  return TEMPLATE_PREFIX + shortHash(hash)
}

export function buildName(hash: string): string {
  return BUILD_PREFIX + shortHash(hash)
}

export async function listCatalog(client: pg.ClientBase): Promise<CatalogEntry[]> {
  const { rows } = await client.query<{ name: string; comment: string | null }>(
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment
       FROM pg_database WHERE starts_with(datname, 'testbed_tpl')`,
  )
  return rows.flatMap(({ name, comment }) => {
    const kind: CatalogEntry['kind'] = name.startsWith(BUILD_PREFIX) ? 'build' : 'template'
    const prefix = kind === 'build' ? BUILD_PREFIX : TEMPLATE_PREFIX
    if (!name.startsWith(prefix)) return []
    return [{ name, shortHash: name.slice(prefix.length), kind, meta: parseMeta(comment) }]
  })
}

/** The recorded meta of a complete template, or null when there is none by that name. */
export async function findTemplate(client: pg.ClientBase, name: string): Promise<TemplateMeta | null> {
  const { rows } = await client.query<{ comment: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
    [name],
  )
  return parseMeta(rows[0]?.comment ?? null)
}

export async function writeMeta(client: pg.ClientBase, database: string, meta: TemplateMeta): Promise<void> {
  const comment = pg.escapeLiteral(MARKER + JSON.stringify(meta))
  await client.query(`COMMENT ON DATABASE ${pg.escapeIdentifier(database)} IS ${comment}`)
}

function parseMeta(comment: string | null): TemplateMeta | null {
  if (!comment?.startsWith(MARKER)) return null
  try {
    return JSON.parse(comment.slice(MARKER.length)) as TemplateMeta
  } catch {
    return null
  }
}
