CREATE TABLE "hub"."unresolved_children" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."unresolved_children_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"child_id" bigint NOT NULL,
	"source" text NOT NULL,
	"record_id" text NOT NULL,
	"candidate_child_id" bigint,
	"reason" text NOT NULL,
	"score" real NOT NULL,
	"evidence" jsonb NOT NULL,
	"region_code" char(6),
	"status" text DEFAULT 'OPEN' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	CONSTRAINT "unresolved_children_reason_check" CHECK (reason in ('IN_REVIEW', 'POSSIBLE_MATCH')),
	CONSTRAINT "unresolved_children_status_check" CHECK (status in ('OPEN', 'NEW_CHILD', 'SAME_CHILD', 'SUPERSEDED')),
	CONSTRAINT "unresolved_children_source_check" CHECK (source in ('household.person', 'health.birth_certificate', 'health.immunization_record', 'health.doctor_contract', 'education.student', 'insurance.enrollment'))
);
--> statement-breakpoint
ALTER TABLE "hub"."child_events" DROP CONSTRAINT "child_events_kind_check";--> statement-breakpoint
ALTER TABLE "hub"."link_reviews" DROP CONSTRAINT "link_reviews_status_check";--> statement-breakpoint
ALTER TABLE "hub"."children" ADD COLUMN "unresolved" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "hub"."unresolved_children" ADD CONSTRAINT "unresolved_children_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "hub"."children"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hub"."unresolved_children" ADD CONSTRAINT "unresolved_children_candidate_child_id_children_id_fk" FOREIGN KEY ("candidate_child_id") REFERENCES "hub"."children"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "unresolved_children_status_region_idx" ON "hub"."unresolved_children" USING btree ("status","region_code");--> statement-breakpoint
CREATE UNIQUE INDEX "unresolved_children_open_child_key" ON "hub"."unresolved_children" USING btree ("child_id") WHERE status = 'OPEN';--> statement-breakpoint
CREATE INDEX "unresolved_children_child_idx" ON "hub"."unresolved_children" USING btree ("child_id");--> statement-breakpoint
ALTER TABLE "hub"."child_events" ADD CONSTRAINT "child_events_kind_check" CHECK (kind in ('MERGE', 'SPLIT', 'REVIEW_RESOLVED', 'RELINK', 'UNDO', 'UNRESOLVED_DECIDED'));--> statement-breakpoint
ALTER TABLE "hub"."link_reviews" ADD CONSTRAINT "link_reviews_status_check" CHECK (status in ('OPEN', 'SAME_CHILD', 'DIFFERENT_CHILDREN', 'SUPERSEDED'));