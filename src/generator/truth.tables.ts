import { date, index, pgSchema, primaryKey, text } from "drizzle-orm/pg-core";

/**
 * The generator's ground truth: which department records are the same child, and each child's
 * true coverage status. Tests and benchmarks score the hub against it; the hub's own code never
 * reads it (a test enforces that), and it is not part of the hub's migrations.
 */
export const truthSchema = pgSchema("truth");

export const truthChildren = truthSchema.table(
  "children",
  {
    childKey: text("child_key").primaryKey(),
    familyKey: text("family_key").notNull(),
    idNumber: text("id_number"),
    name: text("name").notNull(),
    sex: text("sex").notNull(),
    birthDate: date("birth_date", { mode: "string" }).notNull(),
    hukouRegionCode: text("hukou_region_code").notNull(),
    /** Where the child really lives. */
    livingRegionCode: text("living_region_code").notNull(),
    /**
     * Residence by the design's rule, as the records show it (`recordedResidence` in
     * coverage-story.ts): the current school's region, else the residence permit's, else the
     * current vaccination site's, else for a child under one its birth certificate's place, else
     * the hukou region when a record tells it (registry or ID number), else the certificate's
     * place; null when none does.
     */
    residenceRegionCode: text("residence_region_code"),
    /**
     * The residence rule's inputs the records hold besides school and site: where the child's
     * residence permit (居住证) says it lives (a non-local child with a household registry
     * record; null without one), and the place of birth its certificate states (the issuing
     * hospital's county; null when born outside the province).
     */
    permitRegionCode: text("permit_region_code"),
    birthRegionCode: text("birth_region_code"),
    birthCertificateNumber: text("birth_certificate_number"),
    schoolCode: text("school_code"),
    siteCode: text("site_code"),
    doctorCode: text("doctor_code"),
    needyCategory: text("needy_category"),
    twinKey: text("twin_key"),
    status: text("status").notNull(),
    reasons: text("reasons").array().notNull(),
    asOf: date("as_of", { mode: "string" }).notNull(),
  },
  (t) => [index("truth_children_id_number_idx").on(t.idNumber)],
);

export const truthRecords = truthSchema.table(
  "records",
  {
    source: text("source").notNull(),
    recordId: text("record_id").notNull(),
    childKey: text("child_key").notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.recordId] }), index("truth_records_child_idx").on(t.childKey)],
);

export const truthMeta = truthSchema.table("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** One statement each: PGlite runs a single statement per execute. */
export const TRUTH_DDL = [
  "create schema if not exists truth",
  `create table if not exists truth.children (
    child_key text primary key, family_key text not null, id_number text, name text not null, sex text not null,
    birth_date date not null, hukou_region_code text not null, living_region_code text not null,
    residence_region_code text, permit_region_code text, birth_region_code text, birth_certificate_number text,
    school_code text, site_code text, doctor_code text, needy_category text, twin_key text, status text not null,
    reasons text[] not null, as_of date not null)`,
  "create index if not exists truth_children_id_number_idx on truth.children (id_number)",
  `create table if not exists truth.records (
    source text not null, record_id text not null, child_key text not null, primary key (source, record_id))`,
  "create index if not exists truth_records_child_idx on truth.records (child_key)",
  "create table if not exists truth.meta (key text primary key, value text not null)",
];
