import { sql } from "drizzle-orm";
import {
  buildASTSchema,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  parse,
  type ExecutionResult,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAnchorFromDatabase, demoViewers } from "../../src/access/identity/demo.ts";
import { decisionForViewer, maskKindOf, type Decision } from "../../src/access/fields/field-rules.ts";
import { ANONYMOUS_VIEWER, type Viewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../src/graphql/subgraph.ts";
import { bearerFor, everyDemoViewer } from "../kit/auth.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

/**
 * Generated from the policy table: for every column of the table (each role, department_system
 * once per department) and the anonymous caller, every (type, field) that caller can reach from
 * a query — through the gateway, and directly on each subgraph (its root queries and
 * `_entities`) — must answer exactly as `decisionForViewer` says: allow (no FORBIDDEN, the value
 * unmasked), mask (the value masked), deny (FORBIDDEN naming the field, the value null).
 *
 * Which paths exist comes from the schemas, not from a list: a breadth-first walk from the root
 * fields over the fields the caller may read finds, for each type, the shortest path to it; the
 * arguments come from one well-connected child of a generated province. A combination counts
 * only when at least one object of the type was really reached.
 */

type Path = "gateway" | `subgraph:${SubgraphName}`;

interface Fixture {
  childId: string;
  idNumber: string;
  certificateNumber: string;
  studentNumber: string;
  schoolCode: string;
  siteCode: string;
  doctorCode: string;
  householdNumber: string;
  areaCode: string;
  county: string;
}

/** A step of a path: a field with the arguments it needs. */
interface Step {
  field: string;
  args: string;
}

interface Plan {
  typeName: string;
  steps: Step[];
  /** A fragment the steps end in (`_entities` returns a union). */
  inlineOn?: string;
}

const FIRST = 3;
const MASKED = /\*/;

/** Argument values for a field, or null when it needs one the fixture cannot give. */
function argumentsFor(field: GraphQLField<unknown, unknown>, fixture: Fixture): string | null {
  const parts: string[] = [];
  const returns = getNamedType(field.type).name;
  for (const arg of field.args) {
    let value: string | undefined;
    switch (arg.name) {
      case "first":
        value = String(FIRST);
        break;
      case "coverageYear":
        // Only where required: without it lists span every year, so more objects are reached.
        if (isNonNullType(arg.type)) value = "2026"; // the province is generated as of 2026-06-30
        break;
      case "id":
        value = JSON.stringify(fixture.childId);
        break;
      case "idNumber":
        value = JSON.stringify(fixture.idNumber);
        break;
      case "certificateNumber":
        value = JSON.stringify(fixture.certificateNumber);
        break;
      case "studentNumber":
        value = JSON.stringify(fixture.studentNumber);
        break;
      case "householdNumber":
        value = JSON.stringify(fixture.householdNumber);
        break;
      case "region":
        value = JSON.stringify(fixture.county);
        break;
      case "code": {
        const byType: Record<string, string> = {
          School: fixture.schoolCode,
          FamilyDoctor: fixture.doctorCode,
          VaccinationSite: fixture.siteCode,
          CoordinationArea: fixture.areaCode,
        };
        if (byType[returns]) value = JSON.stringify(byType[returns]);
        break;
      }
    }
    if (value !== undefined) parts.push(`${arg.name}: ${value}`);
    else if (isNonNullType(arg.type) && arg.defaultValue === undefined) return null;
  }
  return parts.length > 0 ? `(${parts.join(", ")})` : "";
}

/** The shortest path to every object type the viewer can reach in this schema. */
function plansFor(
  schema: GraphQLSchema,
  viewer: Viewer,
  fixture: Fixture,
  entityRoots: Record<string, string>,
): Plan[] {
  const query = schema.getQueryType()!;
  const plans = new Map<string, Plan>();
  const queue: Plan[] = [];
  const visit = (plan: Plan) => {
    if (plans.has(plan.typeName)) return;
    plans.set(plan.typeName, plan);
    queue.push(plan);
  };
  // The root type itself: its fields are decided like any other (Query.child, …).
  visit({ typeName: query.name, steps: [] });
  for (const [typeName, representation] of Object.entries(entityRoots)) {
    if (schema.getType(typeName))
      visit({
        typeName,
        steps: [{ field: "_entities", args: `(representations: [${representation}])` }],
        inlineOn: typeName,
      });
  }
  while (queue.length > 0) {
    const plan = queue.shift()!;
    const type = schema.getType(plan.typeName) as GraphQLObjectType;
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith("_")) continue;
      const target = getNamedType(field.type);
      if (!isObjectType(target) || plans.has(target.name)) continue;
      if (decisionForViewer(viewer, type.name, field.name) === "deny") continue;
      const args = argumentsFor(field, fixture);
      if (args === null) continue;
      visit({ typeName: target.name, steps: [...plan.steps, { field: field.name, args }] });
    }
  }
  return [...plans.values()];
}

/** The operation for a plan: the path, then every field of the type under an alias of its own. */
function operationOf(schema: GraphQLSchema, plan: Plan, fixture: Fixture): { text: string; fields: string[] } | null {
  const type = schema.getType(plan.typeName) as GraphQLObjectType;
  const selections: string[] = [];
  const fields: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.name.startsWith("_")) continue;
    const args = argumentsFor(field, fixture);
    if (args === null) continue;
    selections.push(
      `f_${field.name}: ${field.name}${args}${isLeafType(getNamedType(field.type)) ? "" : " { __typename }"}`,
    );
    fields.push(field.name);
  }
  if (fields.length === 0) return null;
  let body = plan.inlineOn ? `... on ${plan.inlineOn} { ${selections.join(" ")} }` : selections.join(" ");
  for (const step of [...plan.steps].reverse()) body = `${step.field}${step.args} { ${body} }`;
  return { text: `query FieldRules { ${body} }`, fields };
}

/** Every object at the end of the path (lists flattened, nulls dropped). */
function reached(data: unknown, plan: Plan): Record<string, unknown>[] {
  // The root object always exists, even when a denied non-null root field nulled `data`.
  let level: unknown[] = [data ?? {}];
  for (const step of plan.steps) {
    const next: unknown[] = [];
    for (const item of level) {
      const value = (item as Record<string, unknown> | null)?.[step.field];
      if (Array.isArray(value)) next.push(...value);
      else next.push(value);
    }
    level = next.filter((v) => v !== null && v !== undefined);
  }
  return level as Record<string, unknown>[];
}

interface Outcome {
  checked: number;
  failures: string[];
  /** "Type.field" reached at least once, by any caller. */
  fields: Set<string>;
  byDecision: Record<Decision, number>;
}

const newOutcome = (): Outcome => ({
  checked: 0,
  failures: [],
  fields: new Set(),
  byDecision: { allow: 0, mask: 0, deny: 0 },
});

function check(result: ExecutionResult, plan: Plan, fields: string[], viewer: Viewer, where: string, outcome: Outcome) {
  const objects = reached(result.data, plan);
  if (objects.length === 0) return; // nothing of this type here: nothing to check
  const errors = result.errors ?? [];
  for (const fieldName of fields) {
    const key = `${plan.typeName}.${fieldName}`;
    const decision: Decision = decisionForViewer(viewer, plan.typeName, fieldName);
    const forbidden = errors.filter((e) => e.extensions?.code === "FORBIDDEN" && e.extensions?.field === key);
    const values = objects.map((o) => o[`f_${fieldName}`]).filter((v) => v !== undefined);
    const strings = values.flat().filter((v): v is string => typeof v === "string");
    const department = viewer.role === "department_system" ? `:${viewer.scope.department}` : "";
    const label = `${viewer.role}${department} ${where} ${key}`;
    outcome.checked++;
    outcome.fields.add(key);
    outcome.byDecision[decision]++;
    switch (decision) {
      case "deny":
        if (forbidden.length === 0) outcome.failures.push(`${label}: denied, but no FORBIDDEN error`);
        if (values.some((v) => v !== null))
          outcome.failures.push(`${label}: denied, but a value came back: ${JSON.stringify(values).slice(0, 80)}`);
        break;
      case "mask":
        if (forbidden.length > 0) outcome.failures.push(`${label}: masked, but FORBIDDEN`);
        if (strings.some((s) => !MASKED.test(s)))
          outcome.failures.push(`${label}: masked, but got ${JSON.stringify(strings).slice(0, 80)}`);
        break;
      case "allow":
        if (forbidden.length > 0) outcome.failures.push(`${label}: allowed, but FORBIDDEN (${forbidden[0]!.message})`);
        if (maskKindOf(plan.typeName, fieldName) && strings.some((s) => MASKED.test(s)))
          outcome.failures.push(`${label}: allowed unmasked, but got ${JSON.stringify(strings).slice(0, 80)}`);
        break;
      default: {
        const _: never = decision;
        throw new Error(String(_));
      }
    }
  }
  const other = errors.filter((e) => e.extensions?.code !== "FORBIDDEN");
  if (other.length > 0)
    outcome.failures.push(
      `${viewer.role} ${where} ${plan.typeName}: ` +
        `unexpected errors ${JSON.stringify(other.map((e) => e.message)).slice(0, 200)}`,
    );
}

describe("field rules generated from the policy table, every role × field × path", () => {
  let hub: TestHub;
  let fixture: Fixture;
  const viewers: Viewer[] = [];
  const headers = new Map<Viewer, Record<string, string>>();
  const supergraph = buildASTSchema(parse(readSupergraph()), { assumeValidSDL: true });
  const subgraphSchemas = new Map<SubgraphName, GraphQLSchema>();

  beforeAll(async () => {
    // The walk asks every field of a type in one operation, each under an alias: more aliases
    // and root fields than a client may send (src/config/limits.ts), so those two are raised.
    hub = await startTestHub(
      "pglite",
      { children: 400 },
      { hardening: testHardening({ HUB_MAX_ALIASES: "100", HUB_MAX_ROOT_FIELDS: "100" }) },
    );
    const db = hub.database.db;
    // The demo child: inside the row scope of every demo viewer, so a field's answer shows the
    // field rule, not the row scope.
    const anchor = await demoAnchorFromDatabase(db);
    expect(anchor.idNumber).toBeDefined();
    const [row] = await queryRows<{
      child_key: string;
      id_number: string;
      birth_certificate_number: string;
      school_code: string;
      site_code: string;
      doctor_code: string;
      county: string;
    }>(
      db,
      sql`select c.child_key, c.id_number, c.birth_certificate_number, c.school_code, c.site_code, c.doctor_code,
                 c.hukou_region_code as county
          from truth.children c where c.id_number = ${anchor.idNumber!}`,
    );
    const [household] = await queryRows<{ household_number: string }>(
      db,
      sql`select household_number from household.persons
           where id_number = ${row!.id_number} and household_number is not null limit 1`,
    );
    const [area] = await queryRows<{ area_code: string }>(
      db,
      sql`select area_code from insurance.enrollments where id_number = ${row!.id_number} limit 1`,
    );
    const [anyArea] = await queryRows<{ area_code: string }>(
      db,
      sql`select area_code from insurance.coordination_areas order by area_code limit 1`,
    );
    fixture = {
      childId: String(hub.childIds.get(row!.child_key)),
      idNumber: row!.id_number,
      certificateNumber: row!.birth_certificate_number ?? "",
      studentNumber: `G${row!.id_number}`,
      schoolCode: row!.school_code ?? "",
      siteCode: row!.site_code ?? "",
      doctorCode: row!.doctor_code ?? "",
      householdNumber: household?.household_number ?? "",
      areaCode: (area ?? anyArea)!.area_code.trim(),
      county: row!.county.trim(),
    };
    viewers.push(...everyDemoViewer(demoViewers(anchor)));
    for (const viewer of viewers)
      if (viewer.role !== "anonymous") headers.set(viewer, { authorization: await bearerFor(viewer) });
    viewers.push(ANONYMOUS_VIEWER);
    headers.set(ANONYMOUS_VIEWER, {});
    for (const name of SUBGRAPH_NAMES) subgraphSchemas.set(name, await SUBGRAPHS[name].buildSchema());
  }, 120_000);
  afterAll(async () => hub?.close());

  function entityRoots(): Record<string, string> {
    return {
      Child: `{ __typename: "Child", id: ${JSON.stringify(fixture.childId)} }`,
      School: `{ __typename: "School", code: ${JSON.stringify(fixture.schoolCode)} }`,
      FamilyDoctor: `{ __typename: "FamilyDoctor", code: ${JSON.stringify(fixture.doctorCode)} }`,
      VaccinationSite: `{ __typename: "VaccinationSite", code: ${JSON.stringify(fixture.siteCode)} }`,
      CoordinationArea: `{ __typename: "CoordinationArea", code: ${JSON.stringify(fixture.areaCode)} }`,
      Household: `{ __typename: "Household", householdNumber: ${JSON.stringify(fixture.householdNumber)} }`,
    };
  }

  async function walk(
    path: Path,
    schema: GraphQLSchema,
    run: (query: string, viewer: Viewer) => Promise<ExecutionResult>,
    roots: Record<string, string>,
    outcome: Outcome,
  ) {
    await Promise.all(
      viewers.map(async (viewer) => {
        for (const plan of plansFor(schema, viewer, fixture, roots)) {
          if (plan.typeName === "Mutation") continue;
          const operation = operationOf(schema, plan, fixture);
          if (!operation) continue;
          check(await run(operation.text, viewer), plan, operation.fields, viewer, path, outcome);
        }
      }),
    );
  }

  const counts: Record<string, number> = {};
  afterAll(() => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`field rules: ${total} (role, type.field, path) combinations checked: ${JSON.stringify(counts)}`);
  });

  it("answers every field through the gateway exactly as the policy table says", async () => {
    const outcome = newOutcome();
    await walk(
      "gateway",
      supergraph,
      (query, viewer) => hub.gateway.execute(query, {}, headers.get(viewer)) as Promise<ExecutionResult>,
      {},
      outcome,
    );
    counts.gateway = outcome.checked;
    const unreached = Object.values(supergraph.getTypeMap())
      .filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith("__") && t.name !== "Mutation")
      .flatMap((t) => Object.keys(t.getFields()).map((f) => `${t.name}.${f}`))
      .filter((key) => !outcome.fields.has(key));
    console.log(
      `field rules through the gateway: ${JSON.stringify(outcome.byDecision)}; ` +
        `fields no caller reached with data: ${unreached.join(", ") || "none"}`,
    );
    expect(outcome.failures).toEqual([]);
    expect(outcome.checked).toBeGreaterThan(500);
  }, 120_000);

  it.each(SUBGRAPH_NAMES)(
    "answers every field of the %s subgraph called directly (root queries and _entities) " +
      "exactly as the policy table says",
    async (name) => {
      const outcome = newOutcome();
      const schema = subgraphSchemas.get(name)!;
      await walk(
        `subgraph:${name}`,
        schema,
        (query, viewer) => executeSubgraph(SUBGRAPHS[name], hub.database.db, query, {}, headers.get(viewer)),
        entityRoots(),
        outcome,
      );
      counts[name] = outcome.checked;
      expect(outcome.failures).toEqual([]);
      expect(outcome.checked).toBeGreaterThan(50);
    },
    120_000,
  );

  it("lets a caller without a token read nothing but the federation plumbing", async () => {
    const result = await hub.gateway.execute(`{ child(id: ${JSON.stringify(fixture.childId)}) { id } }`);
    expect(result.data).toEqual({ child: null });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(result.errors?.[0]?.message).toBe("an anonymous caller (no bearer token) may not read Query.child");
    const sdl = await executeSubgraph(SUBGRAPHS.hub, hub.database.db, "{ _service { sdl } }");
    expect(sdl.errors).toBeUndefined();
    expect((sdl.data?._service as { sdl: string }).sdl).toContain("type Child");
  });

  it("gives an anonymous caller no child at all, even through _entities (the row scope reaches nobody)", async () => {
    const result = await executeSubgraph(
      SUBGRAPHS.household,
      hub.database.db,
      "query($r: [_Any!]!) { _entities(representations: $r) " +
        "{ ... on Child { hukou { regionCode } guardians { name } } } }",
      {
        r: [{ __typename: "Child", id: fixture.childId }],
      },
    );
    // The entity itself is null, as for an id that does not exist: no field resolver ever runs.
    expect(result.data).toEqual({ _entities: [null] });
    expect(result.errors).toBeUndefined();
  });
});
