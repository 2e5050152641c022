import type pg from 'pg'

// Everything testbed adds lives in its own schema, so it never clashes with the app's tables and
// is skipped by the leak check and by the triggers themselves.
export const TRACKING_SCHEMA = 'testbed_tracking'

/**
 * A session setting that marks a connection whose writes are all inside a test's transaction and
 * rolled back with it (isolation `transaction`): the triggers skip its writes, so the tracking
 * table stays empty unless some other connection commits, and a test pays no more than a
 * `current_setting()` call per written statement.
 */
export const TEST_TRANSACTION_SETTING = 'testbed.test_transaction'

/**
 * Installs, once per database, a statement-level trigger on every table that records which tables
 * were written (and how) by sessions outside a test transaction. With `baselines` (isolation
 * `reset`) it also keeps a copy of each table's starting rows and each sequence's starting value,
 * so that `resetWrittenTables()` restores exactly the written tables in one round trip.
 */
export async function installWriteTracking(client: pg.ClientBase, { baselines = true } = {}): Promise<void> {
  const { rows } = await client.query<{ triggers: boolean; baselines: boolean }>(
    `SELECT to_regnamespace('${TRACKING_SCHEMA}') IS NOT NULL AS triggers,
            to_regproc('${TRACKING_SCHEMA}.reset') IS NOT NULL AS baselines`,
  )
  if (!rows[0]?.triggers) await client.query(TRIGGERS_SQL)
  if (baselines && !rows[0]?.baselines) await client.query(BASELINES_SQL)
}

/**
 * Makes `client` a connection that only restores (a `reset` strategy's control connection): it runs
 * with replication role "replica" for good, so `resetWrittenTables()` need not set it per call,
 * which would make the server plan the reset's queries again each time. Its own writes then fire
 * no trigger, the app's or testbed's.
 */
export async function restoringSession(client: pg.ClientBase): Promise<void> {
  await client.query('SET session_replication_role = replica')
}

/**
 * Restores every table the test wrote to its starting rows and every sequence to its starting value;
 * then runs `then`, if given, in the same round trip, and resolves to its rows.
 */
export async function resetWrittenTables(client: pg.ClientBase, then?: string): Promise<pg.QueryResultRow[]> {
  if (then === undefined) {
    await client.query(`SELECT ${TRACKING_SCHEMA}.reset()`)
    return []
  }
  // Several statements in one query: pg resolves to one result per statement.
  const results = (await client.query(`SELECT ${TRACKING_SCHEMA}.reset(); ${then}`)) as unknown as pg.QueryResult[]
  return results.at(-1)?.rows ?? []
}

const TRIGGERS_SQL = `
CREATE SCHEMA ${TRACKING_SCHEMA};
-- No unique key: two open transactions writing one table would then queue on it, the second waiting
-- for the first to end (a hang when one process holds both). A table may be listed more than once.
CREATE UNLOGGED TABLE ${TRACKING_SCHEMA}.written (relid oid, operation text);
CREATE INDEX ON ${TRACKING_SCHEMA}.written (relid, operation);

-- SECURITY DEFINER: a test that switches to a role of its own (SET ROLE, to test row security) still
-- records its writes. Every name inside is schema-qualified.
CREATE FUNCTION ${TRACKING_SCHEMA}.track_write() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  INSERT INTO ${TRACKING_SCHEMA}.written SELECT TG_RELID, TG_OP
    WHERE NOT EXISTS (SELECT 1 FROM ${TRACKING_SCHEMA}.written WHERE relid = TG_RELID AND operation = TG_OP);
  RETURN NULL;
END $$;

CREATE FUNCTION ${TRACKING_SCHEMA}.user_tables() RETURNS TABLE (relid oid) LANGUAGE sql STABLE AS $$
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND n.nspname NOT IN ('pg_catalog', 'information_schema', '${TRACKING_SCHEMA}')
    AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
$$;

-- The WHEN clause is evaluated without calling the function: a test transaction's write costs
-- about as much as it would without the trigger.
DO $$
DECLARE
  target oid;
BEGIN
  FOR target IN SELECT relid FROM ${TRACKING_SCHEMA}.user_tables() LOOP
    EXECUTE format(
      'CREATE TRIGGER testbed_track_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s FOR EACH STATEMENT '
      'WHEN (current_setting(''${TEST_TRANSACTION_SETTING}'', true) IS DISTINCT FROM ''on'') '
      'EXECUTE FUNCTION ${TRACKING_SCHEMA}.track_write()', target::regclass);
  END LOOP;
END $$;
`

const BASELINES_SQL = `
CREATE TABLE ${TRACKING_SCHEMA}.baseline_sequences (
  relid oid PRIMARY KEY, schemaname name, sequencename name, last_value bigint, is_called boolean);
CREATE TABLE ${TRACKING_SCHEMA}.baseline_tables (relid oid PRIMARY KEY, copy_name text);

-- Runs with replication role "replica": foreign keys and the tracking triggers stay quiet while
-- tables are emptied and refilled in any order. Sequences are compared first because setval writes
-- WAL and most tests move only a few of them.
CREATE FUNCTION ${TRACKING_SCHEMA}.reset() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  target record;
BEGIN
  IF EXISTS (SELECT 1 FROM ${TRACKING_SCHEMA}.written) THEN
    -- Setting it drops every cached plan of the session, this function's too (twice: when set and
    -- when the transaction ends): a connection that only restores sets it once, see restoringSession().
    IF current_setting('session_replication_role') <> 'replica' THEN
      SET LOCAL session_replication_role = replica;
    END IF;
    FOR target IN
      SELECT w.relid, b.copy_name FROM (SELECT DISTINCT relid FROM ${TRACKING_SCHEMA}.written) w
      LEFT JOIN ${TRACKING_SCHEMA}.baseline_tables b USING (relid)
      WHERE EXISTS (SELECT 1 FROM pg_class WHERE oid = w.relid)
    LOOP
      EXECUTE format('DELETE FROM %s', target.relid::regclass);
      IF target.copy_name IS NOT NULL THEN
        EXECUTE format('INSERT INTO %s OVERRIDING SYSTEM VALUE SELECT * FROM ${TRACKING_SCHEMA}.%I',
          target.relid::regclass, target.copy_name);
      END IF;
    END LOOP;
    DELETE FROM ${TRACKING_SCHEMA}.written;
  END IF;
  PERFORM setval(c.oid, s.last_value, s.is_called)
  FROM ${TRACKING_SCHEMA}.baseline_sequences s
  JOIN pg_class c ON c.oid = s.relid
  WHERE pg_sequence_last_value(c.oid) IS DISTINCT FROM (CASE WHEN s.is_called THEN s.last_value END);
END $$;

DO $$
DECLARE
  target oid;
  copy_name text;
  has_rows boolean;
BEGIN
  FOR target IN SELECT relid FROM ${TRACKING_SCHEMA}.user_tables() LOOP
    copy_name := 'baseline_' || target;
    EXECUTE format('CREATE TABLE ${TRACKING_SCHEMA}.%I AS SELECT * FROM %s', copy_name, target::regclass);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM ${TRACKING_SCHEMA}.%I)', copy_name) INTO has_rows;
    IF has_rows THEN
      INSERT INTO ${TRACKING_SCHEMA}.baseline_tables VALUES (target, copy_name);
    ELSE
      EXECUTE format('DROP TABLE ${TRACKING_SCHEMA}.%I', copy_name);
    END IF;
  END LOOP;
  INSERT INTO ${TRACKING_SCHEMA}.baseline_sequences
    SELECT (quote_ident(schemaname) || '.' || quote_ident(sequencename))::regclass, schemaname, sequencename,
           COALESCE(last_value, start_value), last_value IS NOT NULL
    FROM pg_sequences WHERE schemaname <> '${TRACKING_SCHEMA}';
END $$;
`
