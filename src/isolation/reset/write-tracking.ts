import type pg from 'pg'

// Everything testbed adds lives in its own schema, so it never clashes with the app's tables and
// is skipped by the leak check and by the triggers themselves.
export const TRACKING_SCHEMA = 'testbed_reset'

/**
 * Installs, once per database, what a targeted reset needs: a statement-level trigger on every table
 * that records which tables a test wrote, a copy of each table's starting rows, and the starting
 * value of each sequence. `reset()` then restores exactly the written tables in one round trip.
 */
export async function installWriteTracking(client: pg.ClientBase): Promise<void> {
  const installed = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = '${TRACKING_SCHEMA}'`)
  if (installed.rowCount) return
  await client.query(INSTALL_SQL)
}

/** Restores every table the test wrote to its starting rows and every sequence to its starting value. */
export async function resetWrittenTables(client: pg.ClientBase): Promise<void> {
  await client.query(`SELECT ${TRACKING_SCHEMA}.reset()`)
}

const INSTALL_SQL = `
CREATE SCHEMA ${TRACKING_SCHEMA};
CREATE UNLOGGED TABLE ${TRACKING_SCHEMA}.written (relid oid PRIMARY KEY);
CREATE TABLE ${TRACKING_SCHEMA}.baseline_sequences (
  relid oid PRIMARY KEY, schemaname name, sequencename name, last_value bigint, is_called boolean);
CREATE TABLE ${TRACKING_SCHEMA}.baseline_tables (relid oid PRIMARY KEY, copy_name text);

CREATE FUNCTION ${TRACKING_SCHEMA}.track_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ${TRACKING_SCHEMA}.written VALUES (TG_RELID) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION ${TRACKING_SCHEMA}.user_tables() RETURNS TABLE (relid oid) LANGUAGE sql STABLE AS $$
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND n.nspname NOT IN ('pg_catalog', 'information_schema', '${TRACKING_SCHEMA}')
    AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
$$;

-- Runs with replication role "replica": foreign keys and the tracking triggers stay quiet while
-- tables are emptied and refilled in any order. Sequences are compared first because setval writes
-- WAL and most tests move only a few of them.
CREATE FUNCTION ${TRACKING_SCHEMA}.reset() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  target record;
BEGIN
  IF EXISTS (SELECT 1 FROM ${TRACKING_SCHEMA}.written) THEN
    SET LOCAL session_replication_role = replica;
    FOR target IN
      SELECT w.relid, b.copy_name FROM ${TRACKING_SCHEMA}.written w
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
  PERFORM setval(s.relid, s.last_value, s.is_called)
  FROM ${TRACKING_SCHEMA}.baseline_sequences s
  JOIN pg_sequences q USING (schemaname, sequencename)
  WHERE q.last_value IS DISTINCT FROM (CASE WHEN s.is_called THEN s.last_value END);
END $$;

DO $$
DECLARE
  target oid;
  copy_name text;
  has_rows boolean;
BEGIN
  FOR target IN SELECT relid FROM ${TRACKING_SCHEMA}.user_tables() LOOP
    EXECUTE format(
      'CREATE TRIGGER testbed_track_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s '
      'FOR EACH STATEMENT EXECUTE FUNCTION ${TRACKING_SCHEMA}.track_write()', target::regclass);
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
