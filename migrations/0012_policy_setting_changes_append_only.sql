-- The log of policy-setting changes is append-only like the access log (0002): any UPDATE,
-- DELETE or TRUNCATE of audit.policy_setting_changes raises, whoever sends it (the serving role
-- may only insert into and read the audit schema anyway; this holds for the owner and PGlite too).
CREATE OR REPLACE FUNCTION "audit"."refuse_policy_setting_change_edit"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit.policy_setting_changes is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'the log of setting changes can only be inserted into and read';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "policy_setting_changes_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE
ON "audit"."policy_setting_changes"
FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_policy_setting_change_edit"();
