import type pg from 'pg'
import { CATALOG_FINGERPRINT_SQL, installSchemaTracking } from '../tracking/schema-tracking.ts'
import { installWriteTracking, restoringSession, TRACKING_SCHEMA } from '../tracking/write-tracking.ts'

/**
 * What a clone must look like after a test to be handed out again: its catalog fingerprint (when
 * schema changes are not recorded by event triggers) and what lives outside its tables.
 */
export interface RecycleBaseline {
  readonly fingerprint: string | null
  readonly extras: string
}

/** Why a returned clone cannot be handed out again; `restored` when it was. */
export type RecycleVerdict =
  | 'restored'
  | 'connections'
  | 'prepared transactions'
  | 'schema changed'
  | 'large objects or database settings changed'

/**
 * Makes a fresh clone recyclable: the write tracking and baselines of the `reset` strategy, schema
 * tracking, and a function that restores the clone in one round trip. Runs once per clone, before
 * its first test, on the connection that will restore it (which then only restores).
 */
export async function prepareRecycling(client: pg.ClientBase): Promise<RecycleBaseline> {
  await installWriteTracking(client)
  const tracking = await installSchemaTracking(client)
  await client.query(RECYCLE_SQL)
  const { rows } = await client.query<{ fingerprint: string; extras: string }>(
    `SELECT (${CATALOG_FINGERPRINT_SQL}) AS fingerprint, (${EXTRAS_SQL}) AS extras`,
  )
  const row = rows[0] as { fingerprint: string; extras: string }
  await restoringSession(client)
  return { fingerprint: tracking === 'catalog' ? row.fingerprint : null, extras: row.extras }
}

/**
 * Puts the clone back to its template's state if nothing the reset cannot undo happened: no
 * connection other than `own` is open on it, no schema change, no large object or database
 * setting. The rows of the tables the test wrote (and of those its foreign keys cascaded into) come
 * back, and every sequence its starting value. `client` is the clone's restoring connection.
 */
export async function restoreClone(
  client: pg.ClientBase,
  baseline: RecycleBaseline,
  own: readonly number[],
): Promise<RecycleVerdict> {
  const { rows } = await client.query<{ verdict: RecycleVerdict }>(
    `SELECT ${TRACKING_SCHEMA}.recycle($1::text, $2::text, $3::int[]) AS verdict`,
    [baseline.fingerprint, baseline.extras, own],
  )
  return rows[0]?.verdict ?? 'connections'
}

/**
 * Gives a kept connection the state of a new one: settings, role, temporary tables, prepared
 * statements, cursors, LISTEN, advisory locks, sequences' cached values.
 */
export async function resetSession(client: pg.ClientBase): Promise<void> {
  await client.query(SESSION_RESET_SQL)
  forgetPreparedStatements(client)
}

/**
 * Whether pg's client can be told its prepared statements are gone (an internal of pg: a client
 * that believes a statement still exists skips its Parse). A client where it cannot is not kept.
 */
export function canForgetPreparedStatements(client: pg.ClientBase): boolean {
  const statements = preparedStatements(client)
  return typeof statements === 'object' && statements !== null
}

function forgetPreparedStatements(client: pg.ClientBase): void {
  const connection = (client as unknown as { connection: { parsedStatements: object } }).connection
  connection.parsedStatements = {}
}

function preparedStatements(client: pg.ClientBase): unknown {
  return (client as unknown as { connection?: { parsedStatements?: unknown } }).connection?.parsedStatements
}

// DISCARD ALL without DISCARD PLANS, which only makes the next test plan its queries again.
const SESSION_RESET_SQL =
  'CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES'

// Large objects and `ALTER DATABASE … SET` are neither rows of a table nor schema objects an event
// trigger sees; a new connection to a recycled clone would find them.
const EXTRAS_SQL = `SELECT (SELECT count(*) FROM pg_largeobject_metadata) || '/' || coalesce(
  (SELECT string_agg(array_to_string(setconfig, ','), ';' ORDER BY setrole) FROM pg_db_role_setting
    WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())), '')`

// Statements inside are resolved when first run: schema_changes exists only with event triggers.
const RECYCLE_SQL = `
CREATE OR REPLACE FUNCTION ${TRACKING_SCHEMA}.recycle(fingerprint text, extras text, own int[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  db oid := (SELECT oid FROM pg_database WHERE datname = current_database());
BEGIN
  -- Counted from the backend status array rather than read from pg_stat_activity, a view whose
  -- joins cost more than the rest of the restore. An autovacuum worker counts too: the clone is
  -- then dropped, which is never wrong.
  IF pg_stat_get_db_numbackends(db) > cardinality(own) THEN
    RETURN 'connections';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_prepared_xact() p WHERE p.dbid = db) THEN
    RETURN 'prepared transactions';
  END IF;
  IF fingerprint IS NULL THEN
    IF EXISTS (SELECT 1 FROM ${TRACKING_SCHEMA}.schema_changes) THEN
      RETURN 'schema changed';
    END IF;
  ELSIF (${CATALOG_FINGERPRINT_SQL}) IS DISTINCT FROM fingerprint THEN
    RETURN 'schema changed';
  END IF;
  IF (${EXTRAS_SQL}) IS DISTINCT FROM extras THEN
    RETURN 'large objects or database settings changed';
  END IF;
  PERFORM ${TRACKING_SCHEMA}.reset();
  RETURN 'restored';
END $$;
`

/** The server process behind a pg client, to tell its connections from the app's. */
export function backendPid(client: pg.ClientBase): number | null {
  return (client as unknown as { processID?: number | null }).processID ?? null
}
