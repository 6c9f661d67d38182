CREATE TABLE "audit"."policy_setting_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit"."policy_setting_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"source" text NOT NULL,
	"key" text NOT NULL,
	"region_code" char(6) NOT NULL,
	"effective_from" date NOT NULL,
	"old_value" jsonb,
	"new_value" jsonb NOT NULL,
	"note" text,
	"reassessed" integer NOT NULL,
	CONSTRAINT "policy_setting_changes_source_check" CHECK (source in ('graph', 'file'))
);
--> statement-breakpoint
CREATE TABLE "hub"."policy_settings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."policy_settings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"region_code" char(6) NOT NULL,
	"effective_from" date NOT NULL,
	"value" jsonb NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_by" text NOT NULL,
	"note" text,
	CONSTRAINT "policy_settings_key_check" CHECK (key in ('NEWBORN_WINDOW_DAYS', 'COLLECTION_PERIOD', 'WAITING_PERIOD', 'NEEDY_SUBSIDY_EXTREMELY_POOR', 'NEEDY_SUBSIDY_MIN_LIVING', 'NEEDY_SUBSIDY_ORPHAN', 'NEEDY_SUBSIDY_DISABLED'))
);
--> statement-breakpoint
ALTER TABLE "hub"."coverage_status" DROP CONSTRAINT "coverage_status_actor_check";--> statement-breakpoint
CREATE INDEX "policy_setting_changes_key_idx" ON "audit"."policy_setting_changes" USING btree ("key","region_code","at");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_settings_key_region_from_key" ON "hub"."policy_settings" USING btree ("key","region_code","effective_from");--> statement-breakpoint
ALTER TABLE "hub"."coverage_status" ADD CONSTRAINT "coverage_status_actor_check" CHECK (responsible_actor in ('SCHOOL', 'FAMILY_DOCTOR', 'INSURANCE_OFFICE', 'HOUSEHOLD_REGISTRATION', 'MEDICAL_ASSISTANCE'));