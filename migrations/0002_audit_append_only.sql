-- The access log is append-only, enforced by the database rather than by application code:
-- any UPDATE, DELETE or TRUNCATE of audit.access_log raises, whoever sends it. Statement-level,
-- so even a statement that would touch no row is refused (no probing for "nothing matched").
-- Works on PostgreSQL and PGlite (plpgsql is built in on both).
CREATE OR REPLACE FUNCTION "audit"."refuse_access_log_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit.access_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'the access log can only be inserted into and read';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "access_log_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit"."access_log"
FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_access_log_change"();
