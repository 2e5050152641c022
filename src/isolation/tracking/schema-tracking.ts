import type pg from 'pg'
import { TEST_TRANSACTION_SETTING, TRACKING_SCHEMA } from './write-tracking.ts'

/** One committed schema change, as event triggers record it: `CREATE TABLE` on `public.scratch`. */
export interface SchemaChange {
  command: string
  identity: string
}

/** How a database's schema changes are seen: recorded by event triggers, or compared by catalog fingerprint. */
export type SchemaTracking = 'event-triggers' | 'catalog'

/**
 * Makes committed schema changes visible to the leak check. A superuser gets event triggers that
 * record every CREATE, ALTER and DROP outside a test transaction, at no cost per test; anyone else
 * gets `catalog`, a fingerprint of the relations in `pg_class` compared after each test, which sees
 * tables, views, indexes and sequences created, dropped or given more columns, not other objects.
 * Call it after `installWriteTracking()`, whose own DDL must not be recorded.
 */
export async function installSchemaTracking(client: pg.ClientBase): Promise<SchemaTracking> {
  const { rows } = await client.query<{ superuser: boolean; installed: boolean }>(
    `SELECT current_setting('is_superuser') = 'on' AS superuser,
            to_regclass('${TRACKING_SCHEMA}.schema_changes') IS NOT NULL AS installed`,
  )
  await client.query(ANY_CHANGE_SQL)
  if (!rows[0]?.superuser) return 'catalog'
  if (!rows[0].installed) await client.query(EVENT_TRIGGERS_SQL)
  return 'event-triggers'
}

/**
 * `SELECT ${TRACKING_SCHEMA}.any_change(fingerprint)`: whether anything was recorded, or (given the
 * starting catalog fingerprint) whether the catalog changed. A function, so the server plans its
 * queries once per session instead of at every test's check.
 */
export function anyChangeCall(fingerprint: string): string {
  return `SELECT ${TRACKING_SCHEMA}.any_change(${fingerprint}) AS changed`
}

/** The schema changes committed since tracking began, oldest first. */
export const SCHEMA_CHANGES_SQL = `SELECT coalesce(json_agg(json_build_object('command', command, 'identity', identity) ORDER BY id), '[]')
  FROM ${TRACKING_SCHEMA}.schema_changes`

/** One row per user relation: what the `catalog` fallback compares. */
export interface RelationEntry {
  name: string
  kind: string
  columns: number
}

// 16384 is PostgreSQL's FirstNormalObjectId: below it, only what initdb made. The range lets the
// server read just the user's part of pg_class through its oid index.
const USER_RELATIONS = `FROM pg_class c WHERE c.oid >= 16384 AND c.relnamespace NOT IN (
    SELECT oid FROM pg_namespace
    WHERE nspname IN ('${TRACKING_SCHEMA}') OR nspname LIKE 'pg_toast%' OR nspname LIKE 'pg_temp%')`

/**
 * A fingerprint of the user relations in one value, computed by the server: cheap enough to compare
 * after every test. A new relation has a new oid, a dropped one takes its oid away, an added column
 * raises `relnatts`; a rename or a changed column type goes unseen.
 */
export const CATALOG_FINGERPRINT_SQL = `SELECT count(*) || ':' || coalesce(sum(c.oid::int8 * 4096 + c.relnatts), 0)
  ${USER_RELATIONS}`

/** The relations behind a fingerprint, read only when it changed, to say what changed. */
export async function listRelations(client: pg.ClientBase): Promise<RelationEntry[]> {
  const { rows } = await client.query<RelationEntry>(
    `SELECT format('%s.%I', c.relnamespace::regnamespace, c.relname) AS name, c.relkind::text AS kind, c.relnatts::int AS columns
     ${USER_RELATIONS} ORDER BY 1`,
  )
  return rows
}

// Statements inside are resolved when first run: schema_changes exists only with event triggers.
const ANY_CHANGE_SQL = `
CREATE OR REPLACE FUNCTION ${TRACKING_SCHEMA}.any_change(fingerprint text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM ${TRACKING_SCHEMA}.written) THEN
    RETURN true;
  END IF;
  IF fingerprint IS NULL THEN
    RETURN EXISTS (SELECT 1 FROM ${TRACKING_SCHEMA}.schema_changes);
  END IF;
  RETURN (${CATALOG_FINGERPRINT_SQL}) IS DISTINCT FROM fingerprint;
END $$;
`

const EVENT_TRIGGERS_SQL = `
CREATE TABLE ${TRACKING_SCHEMA}.schema_changes (id bigserial PRIMARY KEY, command text, identity text);

-- Only the objects the command names (CREATE TABLE also creates its sequences and indexes), and not
-- temporary ones, which end with their session.
CREATE FUNCTION ${TRACKING_SCHEMA}.track_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  IF current_setting('${TEST_TRANSACTION_SETTING}', true) = 'on' THEN
    RETURN;
  END IF;
  INSERT INTO ${TRACKING_SCHEMA}.schema_changes (command, identity)
    SELECT command_tag, object_identity FROM pg_event_trigger_ddl_commands()
    WHERE command_tag = TG_TAG AND object_identity IS NOT NULL AND schema_name IS DISTINCT FROM '${TRACKING_SCHEMA}'
      AND coalesce(schema_name, '') NOT LIKE 'pg_temp%';
END $$;

CREATE FUNCTION ${TRACKING_SCHEMA}.track_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  IF current_setting('${TEST_TRANSACTION_SETTING}', true) = 'on' THEN
    RETURN;
  END IF;
  INSERT INTO ${TRACKING_SCHEMA}.schema_changes (command, identity)
    SELECT TG_TAG, object_identity FROM pg_event_trigger_dropped_objects()
    WHERE original AND NOT is_temporary AND schema_name IS DISTINCT FROM '${TRACKING_SCHEMA}';
END $$;

CREATE EVENT TRIGGER testbed_track_ddl ON ddl_command_end EXECUTE FUNCTION ${TRACKING_SCHEMA}.track_ddl();
CREATE EVENT TRIGGER testbed_track_drop ON sql_drop EXECUTE FUNCTION ${TRACKING_SCHEMA}.track_drop();
`
