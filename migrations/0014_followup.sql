CREATE TABLE "hub"."follow_up_item_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."follow_up_item_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"item_id" bigint NOT NULL,
	"on" date NOT NULL,
	"event" text NOT NULL,
	"from_actor" text,
	"from_code" text,
	"to_actor" text,
	"to_code" text,
	"from_status" text,
	"to_status" text,
	"outcome" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follow_up_item_history_event_check" CHECK (event in ('OPENED', 'MOVED', 'RECLASSIFIED', 'CLOSED'))
);
--> statement-breakpoint
CREATE TABLE "hub"."follow_up_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."follow_up_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"child_id" bigint NOT NULL,
	"opened_on" date NOT NULL,
	"due_on" date NOT NULL,
	"priority" smallint NOT NULL,
	"status" text NOT NULL,
	"leading_reason" text,
	"coverage_year" integer NOT NULL,
	"responsible_actor" text NOT NULL,
	"responsible_code" text,
	"residence_region_code" char(6),
	"synced_on" date NOT NULL,
	"closed_on" date,
	"outcome" text,
	CONSTRAINT "follow_up_items_status_check" CHECK (status in ('INSURED', 'NEWBORN_IN_WINDOW', 'NEWBORN_OVERDUE', 'LAPSED', 'UNINSURED', 'DUPLICATE')),
	CONSTRAINT "follow_up_items_actor_check" CHECK (responsible_actor in ('SCHOOL', 'FAMILY_DOCTOR', 'INSURANCE_OFFICE', 'HOUSEHOLD_REGISTRATION', 'MEDICAL_ASSISTANCE')),
	CONSTRAINT "follow_up_items_outcome_check" CHECK (outcome in ('ENROLLED', 'GONE')),
	CONSTRAINT "follow_up_items_closed_check" CHECK ((closed_on is null) = (outcome is null))
);
--> statement-breakpoint
CREATE TABLE "hub"."follow_up_syncs" (
	"as_of" date PRIMARY KEY NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"opened" integer NOT NULL,
	"closed" integer NOT NULL,
	"moved" integer NOT NULL,
	"reclassified" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hub"."notification_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."notification_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"notification_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"dispatcher" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text DEFAULT 'IN_FLIGHT' NOT NULL,
	"http_status" smallint,
	"error" text,
	"duration_ms" integer,
	CONSTRAINT "notification_deliveries_outcome_check" CHECK (outcome in ('IN_FLIGHT', 'DELIVERED', 'RETRY', 'REJECTED', 'ABANDONED'))
);
--> statement-breakpoint
CREATE TABLE "hub"."notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"idempotency_key" text NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"recipient_actor" text NOT NULL,
	"recipient_code" text NOT NULL,
	"item_id" bigint,
	"payload" jsonb NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"claimed_by" text,
	"claim_expires_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_channel_check" CHECK (channel in ('webhook', 'sms')),
	CONSTRAINT "notifications_state_check" CHECK (state in ('PENDING', 'DELIVERED', 'FAILED')),
	CONSTRAINT "notifications_kind_check" CHECK (kind in ('REMINDER', 'ESCALATION', 'MESSAGE'))
);
--> statement-breakpoint
CREATE TABLE "hub"."reminder_settings" (
	"effective_from" date PRIMARY KEY NOT NULL,
	"offsets_days" integer[] NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "hub"."follow_up_item_history" ADD CONSTRAINT "follow_up_item_history_item_id_follow_up_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "hub"."follow_up_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hub"."notification_deliveries" ADD CONSTRAINT "notification_deliveries_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "hub"."notifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "follow_up_item_history_item_idx" ON "hub"."follow_up_item_history" USING btree ("item_id","on");--> statement-breakpoint
CREATE UNIQUE INDEX "follow_up_items_open_child_key" ON "hub"."follow_up_items" USING btree ("child_id") WHERE closed_on is null;--> statement-breakpoint
CREATE INDEX "follow_up_items_actor_idx" ON "hub"."follow_up_items" USING btree ("responsible_actor","responsible_code") WHERE closed_on is null;--> statement-breakpoint
CREATE INDEX "follow_up_items_due_idx" ON "hub"."follow_up_items" USING btree ("due_on") WHERE closed_on is null;--> statement-breakpoint
CREATE INDEX "follow_up_items_child_idx" ON "hub"."follow_up_items" USING btree ("child_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_deliveries_attempt_key" ON "hub"."notification_deliveries" USING btree ("notification_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_idempotency_key" ON "hub"."notifications" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "hub"."notifications" USING btree ("next_attempt_at") WHERE state = 'PENDING';--> statement-breakpoint
CREATE INDEX "notifications_item_idx" ON "hub"."notifications" USING btree ("item_id");