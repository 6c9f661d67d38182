import { sql } from "drizzle-orm";
import {
  buildASTSchema,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decisionForViewer } from "../../src/access/fields/field-rules.ts";
import { demoAnchorFromDatabase, demoViewers } from "../../src/access/identity/demo.ts";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { queryRows, type Db } from "../../src/db/client.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { bearerFor, everyDemoViewer } from "../kit/auth.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";

/**
 * Containers under the viewer's rows, walked from the composed schema: every field of every
 * object type that returns a list or a connection of child-bearing objects (a Child, a
 * department record linked to one, or an object holding either) is queried through the gateway
 * for every demo role, with the ids the walk reaches, and every master child in the answers (a
 * Child's id, or the child a returned record is linked to in `hub.links`) must lie inside the
 * role's rows. The rows are computed here, from the department tables, after DESIGN.md's matrix
 * written as data below: never from src's ROW_SCOPES or the `hub.child_scope` view.
 *
 * Nothing lists the containers by hand: a container added to the schema later is found and
 * walked too, and the test fails if one cannot be reached (an argument the walk has no value
 * for) or never answers a child to any role.
 */

/** Department records that belong to a child, and the `hub.links` source each is linked under. */
const RECORD_SOURCES: Readonly<Record<string, string>> = {
  StudentRegistration: "education.student",
  DoctorContract: "health.doctor_contract",
  Enrollment: "insurance.enrollment",
  ImmunizationRecord: "health.immunization_record",
  BirthCertificate: "health.birth_certificate",
  HouseholdMember: "household.person",
};

/** Where a department record places a child: DESIGN.md's words, one facet per kind of place. */
type Facet =
  | "hukou"
  | "residence_permit"
  | "school"
  | "school_region"
  | "any_school_region"
  | "birth_certificate"
  | "vaccination_site"
  | "doctor"
  | "doctor_region"
  | "any_doctor_region"
  | "insurance_area";

/** Each role's rows, from DESIGN.md's Authorization matrix: which places put a child inside them, matched how. */
const ROWS: Readonly<Record<string, { by: "region" | "schools" | "doctor" | "none"; facets: readonly Facet[] }>> = {
  // Resident or registered in the region: hukou, residence permit, school, vaccination site, birth place,
  // insurance area (today's basis "residence-or-registration").
  insurance_officer: {
    by: "region",
    facets: ["hukou", "residence_permit", "school_region", "vaccination_site", "birth_certificate", "insurance_area"],
  },
  // Health records in the region: birth certificate, vaccination site, the doctor of an ACTIVE contract.
  health_officer: { by: "region", facets: ["birth_certificate", "vaccination_site", "doctor_region"] },
  // ENROLLED at a school of the region.
  education_officer: { by: "region", facets: ["school_region"] },
  // ENROLLED at one of their schools.
  school_admin: { by: "schools", facets: ["school"] },
  // An ACTIVE contract with them.
  family_doctor: { by: "doctor", facets: ["doctor"] },
  // Registered in the region: hukou or residence permit.
  household_officer: { by: "region", facets: ["hukou", "residence_permit"] },
  analyst: { by: "none", facets: [] },
  auditor: { by: "none", facets: [] },
  // Its department's records in its region.
  "department_system:household": { by: "region", facets: ["hukou", "residence_permit"] },
  "department_system:health": { by: "region", facets: ["birth_certificate", "vaccination_site", "any_doctor_region"] },
  "department_system:education": { by: "region", facets: ["any_school_region"] },
  "department_system:insurance": { by: "region", facets: ["insurance_area"] },
};

/** Every place of every linked child, read straight from the department tables. */
const PLACES = sql`
  with l as (select child_id, source, record_id from hub.links where unlinked_at is null)
  select l.child_id, 'hukou' as facet, p.hukou_region_code::text as code
    from l join household.persons p on l.source = 'household.person' and p.record_id = l.record_id
  union all select l.child_id, 'residence_permit', p.residence_region_code::text
    from l join household.persons p on l.source = 'household.person' and p.record_id = l.record_id
   where p.residence_region_code is not null
  union all select l.child_id, case when s.status = 'ENROLLED' then 'school' else 'other_school' end, s.school_code
    from l join education.student_registrations s on l.source = 'education.student' and s.record_id = l.record_id
  union all select l.child_id, case when s.status = 'ENROLLED' then 'school_region' else 'any_school_region' end,
         sc.region_code::text
    from l join education.student_registrations s on l.source = 'education.student' and s.record_id = l.record_id
    join education.schools sc on sc.school_code = s.school_code
  union all select l.child_id, 'birth_certificate', b.region_code::text
    from l join health.birth_certificates b on l.source = 'health.birth_certificate' and b.record_id = l.record_id
  union all select l.child_id, 'vaccination_site', v.region_code::text
    from l join health.immunization_records i on l.source = 'health.immunization_record' and i.record_id = l.record_id
    join health.vaccination_sites v on v.site_code = i.site_code
  union all select l.child_id, case when c.status = 'ACTIVE' then 'doctor' else 'other_doctor' end, c.doctor_code
    from l join health.doctor_contracts c on l.source = 'health.doctor_contract' and c.record_id = l.record_id
  union all select l.child_id, case when c.status = 'ACTIVE' then 'doctor_region' else 'any_doctor_region' end,
         d.region_code::text
    from l join health.doctor_contracts c on l.source = 'health.doctor_contract' and c.record_id = l.record_id
    join health.family_doctors d on d.doctor_code = c.doctor_code
  union all select l.child_id, 'insurance_area', e.area_code::text
    from l join insurance.enrollments e on l.source = 'insurance.enrollment' and e.record_id = l.record_id`;

/** An ENROLLED registration's school region is also any registration's; an ACTIVE contract's, any contract's. */
const IMPLIED: Partial<Record<string, Facet>> = {
  school_region: "any_school_region",
  doctor_region: "any_doctor_region",
};

type Place = { childId: number; facet: string; code: string };

function labelOf(viewer: AuthenticatedViewer): string {
  return viewer.role === "department_system" ? `department_system:${viewer.scope.department}` : viewer.role;
}

/** The master children inside a viewer's rows, from the places and the matrix above. */
function rowsOf(viewer: AuthenticatedViewer, places: readonly Place[]): Set<number> {
  const rule = ROWS[labelOf(viewer)];
  if (!rule) throw new Error(`the matrix has no rows for ${labelOf(viewer)}`);
  const scope = viewer.scope;
  const matches = (code: string): boolean => {
    switch (rule.by) {
      case "region":
        return scope.region !== undefined && code.startsWith(scope.region);
      case "schools":
        return (scope.schools ?? []).includes(code);
      case "doctor":
        return scope.doctor === code;
      case "none":
        return false;
    }
  };
  const inside = new Set<number>();
  for (const p of places) {
    const facets = [p.facet, IMPLIED[p.facet]];
    if (facets.some((f) => f !== undefined && rule.facets.includes(f as Facet)) && matches(p.code))
      inside.add(p.childId);
  }
  return inside;
}

// ── the schema: which types bear children, which fields contain them ─────────────────────────

interface SchemaFacts {
  schema: GraphQLSchema;
  childBearing: Set<string>;
  /** "Type.field" of every container. */
  containers: Set<string>;
  /** Types from which a child-bearing type or a container can be reached. */
  leads: Set<string>;
}

function objectTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  return Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType =>
      isObjectType(t) && !t.name.startsWith("__") && !t.name.startsWith("join__") && !t.name.startsWith("link__"),
  );
}

/** The node type of a Relay connection (`edges { node }`), or null. */
function connectionNode(type: GraphQLObjectType): GraphQLObjectType | null {
  const edges = type.getFields().edges;
  if (!edges || !isListType(getNullableType(edges.type))) return null;
  const edge = getNamedType(edges.type);
  const node = isObjectType(edge) ? edge.getFields().node : undefined;
  const nodeType = node ? getNamedType(node.type) : undefined;
  return nodeType && isObjectType(nodeType) ? nodeType : null;
}

function schemaFacts(): SchemaFacts {
  const schema = buildASTSchema(parse(readSupergraph()), { assumeValidSDL: true });
  const types = objectTypes(schema);
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
  const base = new Set(["Child", ...Object.keys(RECORD_SOURCES)].filter((name) => schema.getType(name)));
  // A connection's edges are its container's plumbing, not objects of their own.
  const edgeTypes = new Set(
    types.flatMap((t) => (connectionNode(t) ? [getNamedType(t.getFields().edges!.type).name] : [])),
  );
  // A type holding a child or a record in a field of its own (a patient, a gap, a review) bears children too.
  const childBearing = new Set(base);
  for (const type of types) {
    if (roots.has(type.name) || edgeTypes.has(type.name)) continue;
    const holds = Object.values(type.getFields()).some(
      (f) => !isListType(getNullableType(f.type)) && base.has(getNamedType(f.type).name),
    );
    if (holds) childBearing.add(type.name);
  }
  const containers = new Set<string>();
  for (const type of types) {
    if (type === schema.getMutationType()) continue;
    for (const field of Object.values(type.getFields())) {
      const target = getNamedType(field.type);
      if (!isObjectType(target)) continue;
      const list = isListType(getNullableType(field.type)) && childBearing.has(target.name);
      const node = connectionNode(target);
      if (list || (node && childBearing.has(node.name))) containers.add(`${type.name}.${field.name}`);
    }
  }
  const leads = new Set(childBearing);
  for (let grew = true; grew;) {
    grew = false;
    for (const type of types) {
      if (leads.has(type.name)) continue;
      const reaches = Object.values(type.getFields()).some(
        (f) => leads.has(getNamedType(f.type).name) || containers.has(`${type.name}.${f.name}`),
      );
      if (reaches) {
        leads.add(type.name);
        grew = true;
      }
    }
  }
  return { schema, childBearing, containers, leads };
}

// ── the walk: one operation per root field, the selection generated from the schema ──────────

/** Values the walk gives arguments; lookups by key take every value of their pool (as aliases). */
interface Pools {
  childId: string[];
  idNumber: string[];
  certificateNumber: string[];
  studentNumber: string[];
  householdNumber: string[];
  code: Record<string, string[]>;
  coverageYear: number;
}

const AS_OF = "2026-06-30";
const ROOT_PAGE = 100;
const NESTED_PAGE = 25;
/** Object levels below the root: deep enough for a school's roster of children's enrollments. */
const MAX_DEPTH = 12;

/** The scalar fields that say which object came back. */
const IDENTIFYING = new Set(["id", "recordId", "code", "householdNumber"]);
const MEMBER_FIELDS = new Set(["name", "birthDate", "idNumber"]);

/** A field's arguments as text (one entry per alias), or null when a required one has no value. */
function argumentSets(field: GraphQLField<unknown, unknown>, depth: number, pools: Pools): string[] | null {
  let sets: string[][] = [[]];
  for (const arg of field.args) {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    let values: string[] = [];
    switch (arg.name) {
      case "first":
        values = [String(depth === 0 ? ROOT_PAGE : NESTED_PAGE)];
        break;
      case "region":
        if (required) values = [JSON.stringify("33")];
        break;
      case "asOf":
        values = [JSON.stringify(AS_OF)];
        break;
      case "withinDays":
        values = ["366"];
        break;
      case "coverageYear":
        if (required) values = [String(pools.coverageYear)];
        break;
      case "id":
      case "idNumber":
      case "certificateNumber":
      case "studentNumber":
      case "householdNumber":
        values = (arg.name === "id" ? pools.childId : pools[arg.name]).map((v) => JSON.stringify(v));
        break;
      case "code":
        values = (pools.code[getNamedType(field.type).name] ?? []).map((v) => JSON.stringify(v));
        break;
    }
    if (values.length === 0) {
      if (required) return null;
      continue;
    }
    sets = sets.flatMap((set) => values.map((v) => [...set, `${arg.name}: ${v}`]));
  }
  return sets.map((set) => (set.length > 0 ? `(${set.join(", ")})` : ""));
}

interface Walk {
  facts: SchemaFacts;
  viewer: AuthenticatedViewer;
  pools: Pools;
  /** Containers put in an operation, by any viewer. */
  walked: Set<string>;
  /** Containers left out for want of an argument value. */
  unreachable: Set<string>;
}

/** The selection of an object type: what identifies it, and every field that leads to children, without cycles. */
function selectionOf(type: GraphQLObjectType, depth: number, path: ReadonlySet<string>, walk: Walk): string {
  const parts = ["__typename"];
  for (const field of Object.values(type.getFields())) {
    if (field.name.startsWith("_")) continue;
    const key = `${type.name}.${field.name}`;
    // The field rules shape what is asked (a real client of the role asks nothing denied); the rows are what is
    // checked.
    if (decisionForViewer(walk.viewer, type.name, field.name) === "deny") continue;
    const target = getNamedType(field.type);
    if (isLeafType(target)) {
      if (IDENTIFYING.has(field.name) || (type.name === "HouseholdMember" && MEMBER_FIELDS.has(field.name)))
        parts.push(field.name);
      continue;
    }
    if (!isObjectType(target) || !walk.facts.leads.has(target.name)) continue;
    if (path.has(target.name) || depth >= MAX_DEPTH) continue;
    const args = argumentSets(field, depth, walk.pools);
    if (args === null || args.length !== 1) {
      if (walk.facts.containers.has(key)) walk.unreachable.add(key);
      continue;
    }
    if (walk.facts.containers.has(key)) walk.walked.add(key);
    parts.push(`${field.name}${args[0]} { ${selectionOf(target, depth + 1, new Set([...path, target.name]), walk)} }`);
  }
  return parts.join(" ");
}

/** One operation per root field that leads to children, its lookups by key as aliases `field__i`. */
function operationsOf(walk: Walk): string[] {
  const query = walk.facts.schema.getQueryType()!;
  const operations: string[] = [];
  for (const field of Object.values(query.getFields())) {
    const target = getNamedType(field.type);
    if (field.name.startsWith("_") || !isObjectType(target) || !walk.facts.leads.has(target.name)) continue;
    if (decisionForViewer(walk.viewer, query.name, field.name) === "deny") continue;
    const key = `${query.name}.${field.name}`;
    const args = argumentSets(field, 0, walk.pools);
    if (args === null || args.length === 0) {
      if (walk.facts.containers.has(key)) walk.unreachable.add(key);
      continue;
    }
    if (walk.facts.containers.has(key)) walk.walked.add(key);
    const selection = selectionOf(target, 1, new Set([target.name]), walk);
    operations.push(
      `query Walk { ${args.map((a, i) => `${field.name}__${i}: ${field.name}${a} { ${selection} }`).join(" ")} }`,
    );
  }
  return operations;
}

// ── the answers: every child they name, and the container it came through ────────────────────

interface Found {
  children: { childId: number; container: string | null }[];
  records: { source: string; recordId: string; container: string | null }[];
  members: { householdNumber: string; name: string; birthDate: string; container: string | null }[];
}

function collect(
  facts: SchemaFacts,
  value: unknown,
  container: string | null,
  householdNumber: string | null,
  found: Found,
): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(facts, item, container, householdNumber, found);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const object = value as Record<string, unknown>;
  const typeName = object.__typename as string;
  const type = facts.schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`an answer object without a known __typename: ${JSON.stringify(object)}`);
  const household = typeName === "Household" ? (object.householdNumber as string) : householdNumber;
  if (typeName === "Child") found.children.push({ childId: Number(object.id), container });
  else if (typeName === "HouseholdMember" && household)
    found.members.push({
      householdNumber: household,
      name: object.name as string,
      birthDate: object.birthDate as string,
      container,
    });
  else if (RECORD_SOURCES[typeName] && typeof object.recordId === "string")
    found.records.push({ source: RECORD_SOURCES[typeName], recordId: object.recordId, container });
  const fields = type.getFields();
  for (const [alias, item] of Object.entries(object)) {
    const name = alias.replace(/__\d+$/, "");
    const field = fields[name];
    if (!field || isLeafType(getNamedType(field.type))) continue;
    const key = `${typeName}.${name}`;
    collect(facts, item, facts.containers.has(key) ? key : container, household, found);
  }
}

/** The master child of each returned record and household member, from `hub.links`. */
async function linkedChildren(db: Db, found: Found): Promise<{ childId: number; container: string | null }[]> {
  const records = found.records.length
    ? await queryRows<{ source: string; record_id: string; child_id: number | string }>(
        db,
        sql`select l.source, l.record_id, l.child_id from hub.links l
            join unnest(${sql.param(found.records.map((r) => r.source))}::text[],
                        ${sql.param(found.records.map((r) => r.recordId))}::text[]) as k(source, record_id)
              on l.source = k.source and l.record_id = k.record_id
           where l.unlinked_at is null`,
      )
    : [];
  const byRecord = new Map(records.map((r) => [`${r.source}|${r.record_id}`, Number(r.child_id)]));
  const households = [...new Set(found.members.map((m) => m.householdNumber))];
  const members = found.members.length
    ? await queryRows<{ household_number: string; name: string; birth_date: string; child_id: number | string }>(
        db,
        sql`select p.household_number, p.name, p.birth_date::text as birth_date, l.child_id from household.persons p
            join hub.links l on l.source = 'household.person' and l.record_id = p.record_id and l.unlinked_at is null
           where p.household_number = any(${sql.param(households)}::text[])`,
      )
    : [];
  const byMember = new Map<string, number[]>();
  for (const m of members) {
    const key = `${m.household_number}|${m.name}|${m.birth_date}`;
    byMember.set(key, [...(byMember.get(key) ?? []), Number(m.child_id)]);
  }
  return [
    ...found.records.flatMap((r) => {
      const childId = byRecord.get(`${r.source}|${r.recordId}`);
      return childId === undefined ? [] : [{ childId, container: r.container }];
    }),
    ...found.members.flatMap((m) =>
      (byMember.get(`${m.householdNumber}|${m.name}|${m.birthDate}`) ?? []).map((childId) => ({
        childId,
        container: m.container,
      })),
    ),
  ];
}

// ── the province: pools of ids, and link reviews with candidates in and out of the reviewers' rows ──

async function poolsOf(db: Db): Promise<Pools> {
  const column = async (query: ReturnType<typeof sql>) =>
    (await queryRows<{ v: string | number }>(db, query)).map((r) => String(r.v).trim());
  const [year] = await queryRows<{ y: number }>(
    db,
    sql`select coverage_year as y from insurance.enrollments group by 1 order by count(*) desc limit 1`,
  );
  const codes = (table: string, column_: string) =>
    column(sql.raw(`select ${column_} as v from ${table} order by md5(${column_}::text) limit 12`));
  return {
    childId: await column(
      sql`select id as v from hub.children where state = 'ACTIVE' and id % 17 = 3 order by id limit 40`,
    ),
    idNumber: await column(
      sql`select id_number as v
            from (select distinct id_number from insurance.enrollments where id_number is not null) e
          order by md5(id_number) limit 40`,
    ),
    certificateNumber: await column(
      sql`select certificate_number as v from health.birth_certificates order by md5(certificate_number) limit 20`,
    ),
    studentNumber: await column(
      sql`select student_number as v from (select distinct student_number from education.student_registrations) s
          order by md5(student_number) limit 30`,
    ),
    householdNumber: await column(
      sql`select household_number as v from household.households order by md5(household_number) limit 60`,
    ),
    code: {
      School: await codes("education.schools", "school_code"),
      FamilyDoctor: await codes("health.family_doctors", "doctor_code"),
      VaccinationSite: await codes("health.vaccination_sites", "site_code"),
      CoordinationArea: await codes("insurance.coordination_areas", "area_code"),
    },
    coverageYear: Number(year!.y),
  };
}

interface SeededReview {
  id: number;
  candidate: number;
  /** Whether the candidate lies inside both reviewers' rows (household and insurance officers of the region). */
  inRows: boolean;
}

/**
 * Link reviews of a record registered in `prefecture`: two with a candidate registered there
 * too (inside both officers' rows), two with a candidate placed nowhere in it; each candidate is
 * also entered as an unresolved child whose possible match is the record's child.
 */
async function seedReviews(db: Db, prefecture: string, places: readonly Place[]): Promise<SeededReview[]> {
  const [record] = await queryRows<{ record_id: string; child_id: number | string; region: string }>(
    db,
    sql`select p.record_id, l.child_id, p.hukou_region_code::text as region from household.persons p
        join hub.links l on l.source = 'household.person' and l.record_id = p.record_id and l.unlinked_at is null
       where p.hukou_region_code::text like ${`${prefecture}%`} order by p.id limit 1`,
  );
  const anywhereIn = new Set(places.filter((p) => p.code.startsWith(prefecture)).map((p) => p.childId));
  const registeredIn = new Set(
    places.filter((p) => p.facet === "hukou" && p.code.startsWith(prefecture)).map((p) => p.childId),
  );
  const everyone = [...new Set(places.map((p) => p.childId))].sort((a, b) => a - b);
  const inside = everyone.filter((id) => registeredIn.has(id) && id !== Number(record!.child_id)).slice(0, 2);
  const outside = everyone.filter((id) => !anywhereIn.has(id)).slice(0, 2);
  expect(inside).toHaveLength(2);
  expect(outside).toHaveLength(2);
  const seeded: SeededReview[] = [];
  for (const [candidate, inRows] of [
    ...inside.map((id) => [id, true] as const),
    ...outside.map((id) => [id, false] as const),
  ]) {
    const evidence = {
      reason: "NAME_SIMILAR",
      fields: { name: "SIMILAR", birthDate: "EXACT" },
      record: {
        source: "household.person",
        recordId: record!.record_id,
        name: "王小明",
        sex: "M",
        birthDate: "2020-01-01",
      },
      candidate: {
        source: "household.person",
        recordId: `CANDIDATE-${candidate}`,
        name: "候选人",
        sex: "M",
        birthDate: "2020-01-01",
      },
    };
    const [row] = await queryRows<{ id: number | string }>(
      db,
      sql`insert into hub.link_reviews (source, record_id, candidate_child_id, score, evidence, region_code)
          values ('household.person', ${record!.record_id}, ${candidate}, 0.72, ${JSON.stringify(evidence)}::jsonb,
                  ${record!.region})
          returning id`,
    );
    seeded.push({ id: Number(row!.id), candidate, inRows });
    // The same doubt seen from the other side: the candidate an unresolved child (hub.unresolved_children)
    // whose possible match is the record's child, placed by the record's region as a review is.
    await queryRows(
      db,
      sql`insert into hub.unresolved_children (child_id, source, record_id, candidate_child_id, reason, score,
                                               evidence, region_code)
          values (${candidate}, 'household.person', ${`CANDIDATE-${candidate}`}, ${record!.child_id},
                  'POSSIBLE_MATCH', 0.72, ${JSON.stringify(evidence)}::jsonb, ${record!.region})`,
    );
  }
  return seeded;
}

describe.each(ENGINES)("containers under the viewer's rows on %s", (engine) => {
  let hub: TestHub;
  let facts: SchemaFacts;
  let pools: Pools;
  let places: Place[];
  let reviews: SeededReview[];
  const viewers: AuthenticatedViewer[] = [];
  const headers = new Map<AuthenticatedViewer, Record<string, string>>();

  beforeAll(async () => {
    // The walk asks many lookups in one operation (aliases) and deep selections: limits a client
    // would be held to are raised, rate limits off; the rows are what is under test.
    hub = await startTestHub(
      engine,
      { children: 800 },
      {
        hardening: testHardening({
          HUB_MAX_ALIASES: "200",
          HUB_MAX_ROOT_FIELDS: "200",
          HUB_MAX_DEPTH: "60",
          HUB_MAX_TOKENS: "1000000",
          HUB_MAX_QUERY_BYTES: "10000000",
          HUB_MAX_BODY_BYTES: "100000000",
          HUB_MAX_COST: "1000000000",
          HUB_RATE_OPERATIONS_PER_MINUTE: "0",
          HUB_RATE_CHILD_RECORDS_PER_MINUTE: "0",
        }),
      },
    );
    const db = hub.database.db;
    facts = schemaFacts();
    pools = await poolsOf(db);
    places = (await queryRows<{ child_id: number | string; facet: string; code: string | null }>(db, PLACES)).flatMap(
      (r) => (r.code ? [{ childId: Number(r.child_id), facet: r.facet, code: r.code.trim() }] : []),
    );
    const anchor = await demoAnchorFromDatabase(db);
    viewers.push(...everyDemoViewer(demoViewers(anchor)));
    for (const viewer of viewers) headers.set(viewer, { authorization: await bearerFor(viewer) });
    reviews = await seedReviews(db, anchor.county.slice(0, 4), places);
  }, 300_000);
  afterAll(async () => hub?.close());

  const viewerOf = (role: string) => viewers.find((v) => v.role === role)!;

  it("derives the containers from the schema, the ones DESIGN.md names among them", () => {
    expect([...facts.containers]).toEqual(
      expect.arrayContaining([
        "School.students",
        "FamilyDoctor.patients",
        "VaccinationSite.children",
        "Household.members",
        "CoordinationArea.enrollments",
        "Query.enrollmentsByIdNumber",
        "Query.linkReviews",
        "Query.childrenInRegion",
        "Query.coverageGaps",
        "Query.newbornWatchlist",
        "Child.immunizations",
        "Child.doctorContracts",
        "Child.studentRegistrations",
        "ChildInsurance.enrollments",
      ]),
    );
    // A connection is its field's container; its edges are not containers of their own.
    expect([...facts.containers].filter((k) => k.endsWith(".edges"))).toEqual([]);
    for (const type of ["Child", "StudentRegistration", "DoctorContract", "Enrollment", "LinkReview", "CoverageGap"])
      expect(facts.childBearing, type).toContain(type);
  });

  it("walks every container field of every type for every role and finds no child outside its rows", async () => {
    const walked = new Set<string>();
    const answered = new Set<string>();
    const failures: string[] = [];
    for (const viewer of viewers) {
      const rows = rowsOf(viewer, places);
      if (ROWS[labelOf(viewer)]!.by !== "none")
        expect(rows.size, `${labelOf(viewer)} has rows in the province`).toBeGreaterThan(0);
      const walk: Walk = { facts, viewer, pools, walked, unreachable: new Set() };
      const found: Found = { children: [], records: [], members: [] };
      for (const operation of operationsOf(walk)) {
        const result = await hub.gateway.execute(operation, {}, headers.get(viewer));
        if (result.errors?.length)
          failures.push(`${labelOf(viewer)}: ${describeErrors(result.errors)} in ${operation.slice(0, 120)}…`);
        for (const [alias, value] of Object.entries(result.data ?? {})) {
          const key = `Query.${alias.replace(/__\d+$/, "")}`;
          collect(facts, value, facts.containers.has(key) ? key : null, null, found);
        }
      }
      const reached = [...found.children, ...(await linkedChildren(hub.database.db, found))];
      for (const r of reached.filter((r) => !rows.has(r.childId)).slice(0, 10))
        failures.push(
          `${labelOf(viewer)}: child ${r.childId} through ${r.container ?? "a lookup"} is outside its rows`,
        );
      const inContainers = reached.filter((r) => r.container !== null && rows.has(r.childId));
      if (rows.size > 0 && inContainers.length === 0)
        failures.push(`${labelOf(viewer)}: no container answered any child`);
      for (const r of inContainers) answered.add(r.container!);
    }
    expect(failures).toEqual([]);
    expect([...facts.containers].filter((k) => !walked.has(k)).sort(), "containers the walk cannot reach").toEqual([]);
    expect([...facts.containers].filter((k) => !answered.has(k)).sort(), "containers that answered no child").toEqual(
      [],
    );
  }, 600_000);

  it("shows a review candidate outside the reviewer's rows as null, without its evidence", async () => {
    for (const role of ["household_officer", "insurance_officer"]) {
      const result = await hub.gateway.execute(
        `{ linkReviews(first: 500) { edges { node {
           id candidate { id name idNumber } candidateRecord { name } fields { field } } } } }`,
        {},
        headers.get(viewerOf(role)),
      );
      expect(result.errors).toBeUndefined();
      type Node = { id: string; candidate: { id: string } | null; candidateRecord: unknown; fields: unknown[] };
      const nodes = (result.data!.linkReviews as { edges: { node: Node }[] }).edges.map((e) => e.node);
      for (const review of reviews) {
        const node = nodes.find((n) => n.id === String(review.id));
        expect(node, `${role} lists review ${review.id}`).toBeDefined();
        if (review.inRows) {
          expect(node!.candidate?.id).toBe(String(review.candidate));
          expect(node!.candidateRecord).toEqual({ name: "候选人" });
          expect(node!.fields).toHaveLength(2);
        } else {
          expect(node).toEqual({ id: String(review.id), candidate: null, candidateRecord: null, fields: [] });
        }
      }
    }
  });

  it("refuses to attach a record to a candidate outside the reviewer's rows, as to a missing child", async () => {
    const outside = reviews.find((r) => !r.inRows)!;
    const before = await linkOfReviewedRecord(outside.id);
    for (const decision of ["SAME_CHILD", "DIFFERENT_CHILDREN"]) {
      const result = await hub.gateway.execute(
        `mutation ($id: ID!) { resolveLinkReview(id: $id, decision: ${decision}) { eventId } }`,
        { id: String(outside.id) },
        headers.get(viewerOf("household_officer")),
      );
      expect(result.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(result.errors?.[0]?.message).toBe(`child ${outside.candidate} does not exist`);
    }
    expect(await linkOfReviewedRecord(outside.id)).toEqual(before);
  });

  async function linkOfReviewedRecord(reviewId: number) {
    return queryRows<{ status: string; child_id: number | string }>(
      hub.database.db,
      sql`select r.status, l.child_id from hub.link_reviews r
          join hub.links l on l.source = r.source and l.record_id = r.record_id and l.unlinked_at is null
         where r.id = ${reviewId}`,
    );
  }
});

function describeErrors(errors: readonly { message: string; extensions?: Record<string, unknown> }[]): string {
  return errors
    .slice(0, 3)
    .map((e) => `${String(e.extensions?.code)}: ${e.message}`)
    .join("; ");
}
