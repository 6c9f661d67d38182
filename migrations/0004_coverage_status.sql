CREATE TABLE "hub"."coverage_snapshots" (
	"as_of" date PRIMARY KEY NOT NULL,
	"children" integer NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hub"."coverage_status" (
	"as_of" date NOT NULL,
	"child_id" bigint NOT NULL,
	"coverage_year" integer NOT NULL,
	"status" text NOT NULL,
	"reasons" text[] NOT NULL,
	"birth_date" date NOT NULL,
	"deadline" date,
	"code_window_ends_on" date,
	"waiting_period_months" integer,
	"insured_within_window" boolean NOT NULL,
	"residence_region_code" char(6),
	"hukou_region_code" char(6),
	"hukou_type" text NOT NULL,
	"school_code" text,
	"doctor_code" text,
	"needy_category" text,
	"responsible_actor" text,
	"responsible_code" text,
	"action" text,
	CONSTRAINT "coverage_status_as_of_child_id_pk" PRIMARY KEY("as_of","child_id"),
	CONSTRAINT "coverage_status_status_check" CHECK (status in ('INSURED', 'NEWBORN_IN_WINDOW', 'NEWBORN_OVERDUE', 'LAPSED', 'UNINSURED', 'DUPLICATE')),
	CONSTRAINT "coverage_status_actor_check" CHECK (responsible_actor in ('SCHOOL', 'FAMILY_DOCTOR', 'INSURANCE_OFFICE', 'HOUSEHOLD_REGISTRATION')),
	CONSTRAINT "coverage_status_hukou_type_check" CHECK (hukou_type in ('LOCAL', 'NON_LOCAL', 'UNKNOWN'))
);
--> statement-breakpoint
CREATE INDEX "coverage_status_region_idx" ON "hub"."coverage_status" USING btree ("as_of","residence_region_code");--> statement-breakpoint
CREATE INDEX "coverage_status_school_idx" ON "hub"."coverage_status" USING btree ("as_of","school_code");--> statement-breakpoint
CREATE INDEX "coverage_status_doctor_idx" ON "hub"."coverage_status" USING btree ("as_of","doctor_code");--> statement-breakpoint
CREATE INDEX "coverage_status_deadline_idx" ON "hub"."coverage_status" USING btree ("as_of","deadline");--> statement-breakpoint
CREATE INDEX "coverage_status_child_idx" ON "hub"."coverage_status" USING btree ("child_id");