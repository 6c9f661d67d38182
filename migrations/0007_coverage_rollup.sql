CREATE TABLE "hub"."coverage_rollup" (
	"as_of" date NOT NULL,
	"residence_region_code" char(6),
	"age_band" text NOT NULL,
	"hukou_type" text NOT NULL,
	"needy_category" text,
	"status" text NOT NULL,
	"coverage_year" integer NOT NULL,
	"newborn" boolean NOT NULL,
	"insured_within_window" boolean NOT NULL,
	"children" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "coverage_rollup_region_idx" ON "hub"."coverage_rollup" USING btree ("as_of","residence_region_code");