-- Fresh planner statistics after a bulk write (the first link of a province, a generated one),
-- for whichever role does the write. ANALYZE needs the table's owner, and on PostgreSQL the hub
-- serves as a role that owns nothing (README, "Database roles"): this function runs as its owner
-- (the role that migrated) and analyzes only the tables that role owns. It only gathers
-- statistics; it changes no row. Works on PostgreSQL and PGlite.
CREATE OR REPLACE FUNCTION "hub"."analyze_tables"(tables regclass[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t regclass;
BEGIN
  FOREACH t IN ARRAY tables LOOP
    IF EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t AND pg_has_role(current_user, c.relowner, 'USAGE')) THEN
      EXECUTE format('ANALYZE %s', t);
    END IF;
  END LOOP;
END
$$;
