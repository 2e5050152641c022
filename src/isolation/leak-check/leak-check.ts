import pg from 'pg'
import {
  anyChangeCall,
  CATALOG_FINGERPRINT_SQL,
  installSchemaTracking,
  listRelations,
  type RelationEntry,
  SCHEMA_CHANGES_SQL,
  type SchemaChange,
  type SchemaTracking,
} from '../tracking/schema-tracking.ts'
import { installWriteTracking, TRACKING_SCHEMA } from '../tracking/write-tracking.ts'
import { describeRelationChanges, describeSchemaChanges, describeWrites, type Leak } from './describe-leaks.ts'
import { countRows, type RowCounts } from './row-counts.ts'

export type { Leak } from './describe-leaks.ts'

interface Written {
  table: string
  operation: string
}

interface CheckState {
  written: Written[]
  schemaChanges: SchemaChange[] | null
  fingerprint: string | null
}

const WRITTEN_SQL = `SELECT coalesce(json_agg(json_build_object('table', format('%I.%I', n.nspname, c.relname), 'operation', w.operation)), '[]')
  FROM (SELECT DISTINCT relid, operation FROM ${TRACKING_SCHEMA}.written) w JOIN pg_class c ON c.oid = w.relid JOIN pg_namespace n ON n.oid = c.relnamespace`

/**
 * The leak check of one database: what was committed to it outside the tests' isolation since the
 * check began. Rows written by any session outside a test transaction are recorded by the write
 * triggers, schema changes by event triggers (or a catalog fingerprint without superuser), so
 * `find()` is one small query when nothing leaked, whatever the size of the data.
 * @example
 * await using check = await LeakCheck.open(workerDatabaseUrl)
 * // … a test runs …
 * const leaks = await check.find() // [{ object: 'public.users', change: 'rows inserted (1 row before, 3 after)' }]
 */
export class LeakCheck implements AsyncDisposable {
  readonly #client: pg.Client
  readonly #schemaTracking: SchemaTracking
  readonly #reportedWrites = new Set<string>()
  #counts: RowCounts
  #schemaChangesSeen = 0
  #relations: RelationEntry[]
  #fingerprint: string | null
  #queue: Promise<unknown> = Promise.resolve()

  private constructor(
    client: pg.Client,
    schemaTracking: SchemaTracking,
    counts: RowCounts,
    relations: RelationEntry[],
  ) {
    this.#client = client
    this.#schemaTracking = schemaTracking
    this.#counts = counts
    this.#relations = relations
    this.#fingerprint = null
  }

  /** Installs what the check needs in the database at `url` and records its starting state. */
  static async open(url: string): Promise<LeakCheck> {
    const client = new pg.Client({ connectionString: url })
    // The database is dropped WITH (FORCE) once replaced; an 'error' then must not crash the worker.
    client.on('error', () => {})
    await client.connect()
    try {
      await installWriteTracking(client, { baselines: false })
      const schemaTracking = await installSchemaTracking(client)
      const relations = schemaTracking === 'catalog' ? await listRelations(client) : []
      const check = new LeakCheck(client, schemaTracking, await countRows(client), relations)
      check.#fingerprint = schemaTracking === 'catalog' ? (await check.#read()).fingerprint : null
      return check
    } catch (error) {
      await client.end().catch(() => {})
      throw error
    }
  }

  /** How schema changes are seen: `event-triggers` (superuser) or `catalog` (relations only). */
  get schemaTracking(): SchemaTracking {
    return this.#schemaTracking
  }

  /**
   * The check's first step as SQL, for a caller to run in a round trip it makes anyway (the
   * ROLLBACK of a `transaction` test): its one row's `changed` tells `find()` whether to look.
   */
  get anyChangeSql(): string {
    return anyChangeCall(this.#fingerprint === null ? 'NULL' : pg.escapeLiteral(this.#fingerprint))
  }

  /**
   * What leaked since the check began, leaving out what an earlier `find()` already reported.
   * `changed`: the answer of `anyChangeSql` when the caller ran it; `false` means nothing leaked.
   * Concurrent tests' calls run one after another: each reports a change once.
   */
  find({ changed }: { changed?: boolean } = {}): Promise<Leak[]> {
    if (changed === false) return Promise.resolve([])
    const found = this.#queue.then(() => this.#find(changed === true))
    this.#queue = found.catch(() => {})
    return found
  }

  async #find(changed: boolean): Promise<Leak[]> {
    if (!changed && !(await this.#anyChange())) return []
    const state = await this.#read()
    return [
      ...(await this.#writeLeaks(state.written)),
      ...this.#schemaLeaks(state.schemaChanges ?? []),
      ...(await this.#catalogLeaks(state.fingerprint)),
    ]
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => {})
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** The common case in one cheap prepared statement: nothing recorded, the same catalog fingerprint. */
  async #anyChange(): Promise<boolean> {
    const { rows } = await this.#client.query<{ changed: boolean }>({
      name: 'testbed_leak_check',
      text: anyChangeCall('$1::text'),
      values: [this.#fingerprint],
    })
    return rows[0]?.changed === true
  }

  async #read(): Promise<CheckState> {
    const schemaChanges = this.#schemaTracking === 'event-triggers' ? `(${SCHEMA_CHANGES_SQL})` : 'NULL'
    const fingerprint = this.#schemaTracking === 'catalog' ? `(${CATALOG_FINGERPRINT_SQL})` : 'NULL'
    const { rows } = await this.#client.query<CheckState>(
      `SELECT (${WRITTEN_SQL}) AS written, ${schemaChanges} AS "schemaChanges", ${fingerprint} AS fingerprint`,
    )
    return rows[0] as CheckState
  }

  async #writeLeaks(written: Written[]): Promise<Leak[]> {
    const fresh = written.filter(({ table, operation }) => !this.#reportedWrites.has(`${table} ${operation}`))
    if (fresh.length === 0) return []
    for (const { table, operation } of fresh) this.#reportedWrites.add(`${table} ${operation}`)
    const tables = [...new Set(fresh.map(({ table }) => table))].sort()
    const after = await countRows(this.#client, tables)
    const leaks = describeWrites(fresh, this.#counts, after)
    this.#counts = new Map([...this.#counts, ...after])
    return leaks
  }

  #schemaLeaks(changes: SchemaChange[]): Leak[] {
    const fresh = changes.slice(this.#schemaChangesSeen)
    this.#schemaChangesSeen = changes.length
    return describeSchemaChanges(fresh)
  }

  async #catalogLeaks(fingerprint: string | null): Promise<Leak[]> {
    if (fingerprint === null || fingerprint === this.#fingerprint) return []
    const relations = await listRelations(this.#client)
    const leaks = describeRelationChanges(this.#relations, relations)
    this.#relations = relations
    this.#fingerprint = fingerprint
    return leaks
  }
}
