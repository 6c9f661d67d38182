CREATE SCHEMA "household";
--> statement-breakpoint
CREATE SCHEMA "health";
--> statement-breakpoint
CREATE SCHEMA "education";
--> statement-breakpoint
CREATE SCHEMA "insurance";
--> statement-breakpoint
CREATE SCHEMA "hub";
--> statement-breakpoint
CREATE SCHEMA "audit";
--> statement-breakpoint
CREATE TABLE "household"."guardianships" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "household"."guardianships_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"child_record_id" text NOT NULL,
	"relation" text NOT NULL,
	"guardian_name" text NOT NULL,
	"guardian_id_number" text,
	"guardian_phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "guardianships_relation_check" CHECK (relation in ('FATHER', 'MOTHER', 'GRANDPARENT', 'OTHER'))
);
--> statement-breakpoint
CREATE TABLE "household"."households" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "household"."households_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"household_number" text NOT NULL,
	"region_code" char(6) NOT NULL,
	"address" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household"."persons" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "household"."persons_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"id_number" text,
	"name" text NOT NULL,
	"sex" char(1) NOT NULL,
	"birth_date" date NOT NULL,
	"registration_kind" text NOT NULL,
	"hukou_region_code" char(6) NOT NULL,
	"hukou_address" text,
	"residence_region_code" char(6),
	"residence_permit_number" text,
	"household_number" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persons_sex_check" CHECK (sex in ('M', 'F')),
	CONSTRAINT "persons_registration_kind_check" CHECK (registration_kind in ('LOCAL_HUKOU', 'RESIDENCE_PERMIT'))
);
--> statement-breakpoint
CREATE TABLE "health"."birth_certificates" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "health"."birth_certificates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"certificate_number" text NOT NULL,
	"child_name" text,
	"sex" char(1) NOT NULL,
	"birth_date" date NOT NULL,
	"mother_name" text NOT NULL,
	"mother_id_number" text,
	"father_name" text,
	"father_id_number" text,
	"guardian_phone" text,
	"hospital_code" text NOT NULL,
	"region_code" char(6) NOT NULL,
	"issued_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "birth_certificates_sex_check" CHECK (sex in ('M', 'F'))
);
--> statement-breakpoint
CREATE TABLE "health"."doctor_contracts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "health"."doctor_contracts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"doctor_code" text NOT NULL,
	"patient_name" text NOT NULL,
	"patient_id_number" text,
	"patient_sex" char(1) NOT NULL,
	"patient_birth_date" date NOT NULL,
	"guardian_name" text,
	"guardian_phone" text,
	"signed_on" date NOT NULL,
	"valid_until" date NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "doctor_contracts_sex_check" CHECK (patient_sex in ('M', 'F')),
	CONSTRAINT "doctor_contracts_status_check" CHECK (status in ('ACTIVE', 'EXPIRED', 'CANCELLED'))
);
--> statement-breakpoint
CREATE TABLE "health"."family_doctors" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "health"."family_doctors_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"doctor_code" text NOT NULL,
	"name" text NOT NULL,
	"institution" text NOT NULL,
	"team_name" text,
	"phone" text,
	"region_code" char(6) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "health"."hospitals" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "health"."hospitals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"hospital_code" text NOT NULL,
	"name" text NOT NULL,
	"region_code" char(6) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "health"."immunization_doses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "health"."immunization_doses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"immunization_record_id" text NOT NULL,
	"vaccine_code" text NOT NULL,
	"vaccine_name" text NOT NULL,
	"dose_number" integer NOT NULL,
	"given_on" date NOT NULL,
	"site_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "health"."immunization_records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "health"."immunization_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"site_code" text NOT NULL,
	"child_name" text,
	"sex" char(1) NOT NULL,
	"birth_date" date NOT NULL,
	"id_number" text,
	"birth_certificate_number" text,
	"guardian_name" text,
	"guardian_phone" text,
	"residence_region_code" char(6),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "immunization_records_sex_check" CHECK (sex in ('M', 'F'))
);
--> statement-breakpoint
CREATE TABLE "health"."vaccination_sites" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "health"."vaccination_sites_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"site_code" text NOT NULL,
	"name" text NOT NULL,
	"region_code" char(6) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "education"."schools" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "education"."schools_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"school_code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"region_code" char(6) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schools_kind_check" CHECK (kind in ('KINDERGARTEN', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'VOCATIONAL', 'SPECIAL'))
);
--> statement-breakpoint
CREATE TABLE "education"."student_registrations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "education"."student_registrations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"student_number" text NOT NULL,
	"id_number" text,
	"name" text NOT NULL,
	"sex" char(1) NOT NULL,
	"birth_date" date NOT NULL,
	"school_code" text NOT NULL,
	"grade" integer NOT NULL,
	"class_name" text NOT NULL,
	"school_year" integer NOT NULL,
	"status" text NOT NULL,
	"guardian_phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "student_registrations_sex_check" CHECK (sex in ('M', 'F')),
	CONSTRAINT "student_registrations_status_check" CHECK (status in ('ENROLLED', 'TRANSFERRED_OUT', 'GRADUATED', 'SUSPENDED'))
);
--> statement-breakpoint
CREATE TABLE "insurance"."assistance_eligibility" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "insurance"."assistance_eligibility_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"id_number" text NOT NULL,
	"name" text NOT NULL,
	"needy_category" text NOT NULL,
	"region_code" char(6) NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assistance_eligibility_category_check" CHECK (needy_category in ('EXTREMELY_POOR', 'MIN_LIVING', 'ORPHAN', 'DISABLED'))
);
--> statement-breakpoint
CREATE TABLE "insurance"."contributions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "insurance"."contributions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"enrollment_record_id" text NOT NULL,
	"coverage_year" integer NOT NULL,
	"amount_fen" integer NOT NULL,
	"payer_kind" text NOT NULL,
	"needy_category" text,
	"payer_id_number" text,
	"paid_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contributions_payer_kind_check" CHECK (payer_kind in ('SELF', 'MEDICAL_ASSISTANCE', 'EMPLOYEE_ACCOUNT', 'OTHER')),
	CONSTRAINT "contributions_needy_category_check" CHECK (needy_category is null or needy_category in ('EXTREMELY_POOR', 'MIN_LIVING', 'ORPHAN', 'DISABLED'))
);
--> statement-breakpoint
CREATE TABLE "insurance"."coordination_areas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "insurance"."coordination_areas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"area_code" char(6) NOT NULL,
	"name" text NOT NULL,
	"window_opens" text NOT NULL,
	"window_closes" text NOT NULL,
	"annual_contribution_fen" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "insurance"."enrollments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "insurance"."enrollments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"record_id" text NOT NULL,
	"id_number" text,
	"birth_certificate_number" text,
	"name" text NOT NULL,
	"sex" char(1) NOT NULL,
	"birth_date" date NOT NULL,
	"area_code" char(6) NOT NULL,
	"coverage_year" integer NOT NULL,
	"insurance_type" text DEFAULT '390' NOT NULL,
	"status" text NOT NULL,
	"enrolled_on" date NOT NULL,
	"paid_on" date,
	"benefit_starts_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enrollments_sex_check" CHECK (sex in ('M', 'F')),
	CONSTRAINT "enrollments_status_check" CHECK (status in ('ACTIVE', 'SUSPENDED', 'TERMINATED'))
);
--> statement-breakpoint
CREATE TABLE "hub"."child_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."child_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"child_ids" bigint[] NOT NULL,
	"detail" jsonb NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_by" bigint,
	CONSTRAINT "child_events_kind_check" CHECK (kind in ('MERGE', 'SPLIT', 'REVIEW_RESOLVED', 'RELINK', 'UNDO'))
);
--> statement-breakpoint
CREATE TABLE "hub"."children" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."children_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"state" text DEFAULT 'ACTIVE' NOT NULL,
	"merged_into" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "children_state_check" CHECK (state in ('ACTIVE', 'MERGED'))
);
--> statement-breakpoint
CREATE TABLE "hub"."link_reviews" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."link_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" text NOT NULL,
	"record_id" text NOT NULL,
	"candidate_child_id" bigint NOT NULL,
	"score" real NOT NULL,
	"evidence" jsonb NOT NULL,
	"region_code" char(6),
	"status" text DEFAULT 'OPEN' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	CONSTRAINT "link_reviews_status_check" CHECK (status in ('OPEN', 'SAME_CHILD', 'DIFFERENT_CHILDREN'))
);
--> statement-breakpoint
CREATE TABLE "hub"."links" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hub"."links_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" text NOT NULL,
	"record_id" text NOT NULL,
	"child_id" bigint NOT NULL,
	"rule" text NOT NULL,
	"score" real,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"unlinked_at" timestamp with time zone,
	"event_id" bigint,
	CONSTRAINT "links_source_check" CHECK (source in ('household.person', 'health.birth_certificate', 'health.immunization_record', 'health.doctor_contract', 'education.student', 'insurance.enrollment')),
	CONSTRAINT "links_rule_check" CHECK (rule in ('ID_NUMBER', 'PROBABILISTIC', 'REVIEW_CONFIRMED', 'MANUAL_MERGE', 'MANUAL_SPLIT', 'NEW_CHILD'))
);
--> statement-breakpoint
CREATE TABLE "audit"."access_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit"."access_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"scope" jsonb NOT NULL,
	"operation" text,
	"child_ids" bigint[] NOT NULL,
	"fields" text[] NOT NULL,
	"purpose" text,
	"request_id" text
);
--> statement-breakpoint
ALTER TABLE "hub"."link_reviews" ADD CONSTRAINT "link_reviews_candidate_child_id_children_id_fk" FOREIGN KEY ("candidate_child_id") REFERENCES "hub"."children"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hub"."links" ADD CONSTRAINT "links_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "hub"."children"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "guardianships_record_id_key" ON "household"."guardianships" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "guardianships_child_idx" ON "household"."guardianships" USING btree ("child_record_id");--> statement-breakpoint
CREATE INDEX "guardianships_guardian_id_number_idx" ON "household"."guardianships" USING btree ("guardian_id_number");--> statement-breakpoint
CREATE INDEX "guardianships_guardian_phone_idx" ON "household"."guardianships" USING btree ("guardian_phone");--> statement-breakpoint
CREATE UNIQUE INDEX "households_record_id_key" ON "household"."households" USING btree ("record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "households_number_key" ON "household"."households" USING btree ("household_number");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_record_id_key" ON "household"."persons" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "persons_id_number_idx" ON "household"."persons" USING btree ("id_number");--> statement-breakpoint
CREATE INDEX "persons_birth_date_sex_idx" ON "household"."persons" USING btree ("birth_date","sex");--> statement-breakpoint
CREATE INDEX "persons_hukou_region_idx" ON "household"."persons" USING btree ("hukou_region_code");--> statement-breakpoint
CREATE INDEX "persons_residence_region_idx" ON "household"."persons" USING btree ("residence_region_code");--> statement-breakpoint
CREATE INDEX "persons_household_idx" ON "household"."persons" USING btree ("household_number");--> statement-breakpoint
CREATE UNIQUE INDEX "birth_certificates_record_id_key" ON "health"."birth_certificates" USING btree ("record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "birth_certificates_number_key" ON "health"."birth_certificates" USING btree ("certificate_number");--> statement-breakpoint
CREATE INDEX "birth_certificates_birth_date_sex_idx" ON "health"."birth_certificates" USING btree ("birth_date","sex");--> statement-breakpoint
CREATE INDEX "birth_certificates_mother_id_number_idx" ON "health"."birth_certificates" USING btree ("mother_id_number");--> statement-breakpoint
CREATE INDEX "birth_certificates_guardian_phone_idx" ON "health"."birth_certificates" USING btree ("guardian_phone");--> statement-breakpoint
CREATE INDEX "birth_certificates_region_idx" ON "health"."birth_certificates" USING btree ("region_code");--> statement-breakpoint
CREATE UNIQUE INDEX "doctor_contracts_record_id_key" ON "health"."doctor_contracts" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "doctor_contracts_doctor_idx" ON "health"."doctor_contracts" USING btree ("doctor_code");--> statement-breakpoint
CREATE INDEX "doctor_contracts_patient_id_number_idx" ON "health"."doctor_contracts" USING btree ("patient_id_number");--> statement-breakpoint
CREATE INDEX "doctor_contracts_birth_date_sex_idx" ON "health"."doctor_contracts" USING btree ("patient_birth_date","patient_sex");--> statement-breakpoint
CREATE UNIQUE INDEX "family_doctors_record_id_key" ON "health"."family_doctors" USING btree ("record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "family_doctors_code_key" ON "health"."family_doctors" USING btree ("doctor_code");--> statement-breakpoint
CREATE INDEX "family_doctors_region_idx" ON "health"."family_doctors" USING btree ("region_code");--> statement-breakpoint
CREATE UNIQUE INDEX "hospitals_record_id_key" ON "health"."hospitals" USING btree ("record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "hospitals_code_key" ON "health"."hospitals" USING btree ("hospital_code");--> statement-breakpoint
CREATE INDEX "hospitals_region_idx" ON "health"."hospitals" USING btree ("region_code");--> statement-breakpoint
CREATE UNIQUE INDEX "immunization_doses_record_id_key" ON "health"."immunization_doses" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "immunization_doses_record_idx" ON "health"."immunization_doses" USING btree ("immunization_record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "immunization_records_record_id_key" ON "health"."immunization_records" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "immunization_records_site_idx" ON "health"."immunization_records" USING btree ("site_code");--> statement-breakpoint
CREATE INDEX "immunization_records_id_number_idx" ON "health"."immunization_records" USING btree ("id_number");--> statement-breakpoint
CREATE INDEX "immunization_records_birth_date_sex_idx" ON "health"."immunization_records" USING btree ("birth_date","sex");--> statement-breakpoint
CREATE INDEX "immunization_records_birth_certificate_idx" ON "health"."immunization_records" USING btree ("birth_certificate_number");--> statement-breakpoint
CREATE INDEX "immunization_records_guardian_phone_idx" ON "health"."immunization_records" USING btree ("guardian_phone");--> statement-breakpoint
CREATE UNIQUE INDEX "vaccination_sites_record_id_key" ON "health"."vaccination_sites" USING btree ("record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vaccination_sites_code_key" ON "health"."vaccination_sites" USING btree ("site_code");--> statement-breakpoint
CREATE INDEX "vaccination_sites_region_idx" ON "health"."vaccination_sites" USING btree ("region_code");--> statement-breakpoint
CREATE UNIQUE INDEX "schools_record_id_key" ON "education"."schools" USING btree ("record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "schools_code_key" ON "education"."schools" USING btree ("school_code");--> statement-breakpoint
CREATE INDEX "schools_region_idx" ON "education"."schools" USING btree ("region_code");--> statement-breakpoint
CREATE UNIQUE INDEX "student_registrations_record_id_key" ON "education"."student_registrations" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "student_registrations_school_idx" ON "education"."student_registrations" USING btree ("school_code","school_year");--> statement-breakpoint
CREATE INDEX "student_registrations_student_number_idx" ON "education"."student_registrations" USING btree ("student_number");--> statement-breakpoint
CREATE INDEX "student_registrations_id_number_idx" ON "education"."student_registrations" USING btree ("id_number");--> statement-breakpoint
CREATE INDEX "student_registrations_birth_date_sex_idx" ON "education"."student_registrations" USING btree ("birth_date","sex");--> statement-breakpoint
CREATE UNIQUE INDEX "assistance_eligibility_record_id_key" ON "insurance"."assistance_eligibility" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "assistance_eligibility_id_number_idx" ON "insurance"."assistance_eligibility" USING btree ("id_number");--> statement-breakpoint
CREATE UNIQUE INDEX "contributions_record_id_key" ON "insurance"."contributions" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "contributions_enrollment_idx" ON "insurance"."contributions" USING btree ("enrollment_record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "coordination_areas_record_id_key" ON "insurance"."coordination_areas" USING btree ("record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "coordination_areas_code_key" ON "insurance"."coordination_areas" USING btree ("area_code");--> statement-breakpoint
CREATE UNIQUE INDEX "enrollments_record_id_key" ON "insurance"."enrollments" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "enrollments_id_number_year_idx" ON "insurance"."enrollments" USING btree ("id_number","coverage_year");--> statement-breakpoint
CREATE INDEX "enrollments_birth_certificate_idx" ON "insurance"."enrollments" USING btree ("birth_certificate_number");--> statement-breakpoint
CREATE INDEX "enrollments_area_year_idx" ON "insurance"."enrollments" USING btree ("area_code","coverage_year");--> statement-breakpoint
CREATE INDEX "enrollments_birth_date_sex_idx" ON "insurance"."enrollments" USING btree ("birth_date","sex");--> statement-breakpoint
CREATE INDEX "children_merged_into_idx" ON "hub"."children" USING btree ("merged_into");--> statement-breakpoint
CREATE INDEX "link_reviews_status_region_idx" ON "hub"."link_reviews" USING btree ("status","region_code");--> statement-breakpoint
CREATE INDEX "link_reviews_record_idx" ON "hub"."link_reviews" USING btree ("source","record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "links_current_record_key" ON "hub"."links" USING btree ("source","record_id") WHERE unlinked_at is null;--> statement-breakpoint
CREATE INDEX "links_child_idx" ON "hub"."links" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "access_log_actor_at_idx" ON "audit"."access_log" USING btree ("actor","at");--> statement-breakpoint
CREATE INDEX "access_log_at_idx" ON "audit"."access_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "access_log_child_ids_idx" ON "audit"."access_log" USING gin ("child_ids");