import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { limitError, limitViolations } from "../../src/server/limits.ts";
import { DEFAULT_LIMITS } from "../../src/config/limits.ts";
import { LIST_WEIGHT, measureOperation } from "../../src/server/measure.ts";

const schema = buildSchema(`
  type Query { child(id: ID!): Child  children(first: Int, after: String): ChildConnection  tags: [String!]! }
  type ChildConnection { edges: [ChildEdge!]!  totalCount: Int }
  type ChildEdge { node: Child! }
  type Child { id: ID!  name: String  guardians: [Guardian!]!  siblings(first: Int): ChildConnection }
  type Guardian { name: String  children: [Child!]! }
`);
const measure = (query: string, variables?: Record<string, unknown>) =>
  measureOperation(schema, parse(query), { variables });

describe("measuring an operation before it runs", () => {
  it("counts depth from the root field, aliases, root fields and directives", () => {
    const m = measure(
      `query Q @skip(if: false) { a: child(id: 1) { id g: guardians { name @include(if: true) } } tags }`,
    );
    expect(m).toMatchObject({ depth: 3, aliases: 2, rootFields: 2, directives: 2 });
  });

  it("weights a connection by its first, its edges not again, and a plain list by LIST_WEIGHT", () => {
    // 1 (children) + 10 × (edges 1 + node 1 + id 1 + guardians 1 + LIST_WEIGHT × name 1)
    expect(measure(`{ children(first: 10) { edges { node { id guardians { name } } } } }`).cost).toBe(
      1 + 10 * (1 + 1 + 1 + 1 + LIST_WEIGHT),
    );
    // Without first: the default page size (50).
    expect(measure(`{ children { totalCount } }`).cost).toBe(1 + 50);
  });

  it("takes page sizes from the variables when it has them, and counts an unknown one as 1", () => {
    const query = `query($n: Int) { children(first: $n) { totalCount } }`;
    expect(measure(query, { n: 400 })).toMatchObject({
      cost: 401,
      largestPage: { first: 400, field: "Query.children" },
    });
    expect(measure(query)).toMatchObject({ cost: 2, largestPage: null });
  });

  it("multiplies nested pages, so a connection inside a connection costs their product", () => {
    const m = measure(`{ children(first: 100) { edges { node { siblings(first: 100) { edges { node { id } } } } } } }`);
    expect(m.cost).toBeGreaterThan(100 * 100 * 3);
  });

  it("expands fragments where they are spread: depth, aliases and introspection cannot hide in them", () => {
    const m = measure(
      `{ ...__schema } fragment __schema on Query { child(id: 1) { ...deeper } } ` +
        `fragment deeper on Child { x: guardians { children { guardians { name } } } }`,
    );
    expect(m).toMatchObject({ depth: 5, aliases: 1 });
    expect(measure(`{ __schema { types { fields { type { ofType { name } } } } } }`).depth).toBe(6);
  });

  it("ends on a fragment cycle and says so", () => {
    const m = measure(
      `{ child(id: 1) { ...A } } fragment A on Child { guardians { children { ...B } } } fragment B on Child { ...A }`,
    );
    expect(m.fragmentCycle).toBe(true);
    expect(m.depth).toBe(3);
  });

  it("measures a fragment 'billion laughs' in linear time, with the full expanded cost", () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Child { ...F${i + 1} ...F${i + 1} }`,
    ).join(" ");
    const started = performance.now();
    const m = measure(`{ child(id: 1) { ...F0 } } ${fragments} fragment F${levels} on Child { id }`);
    expect(performance.now() - started).toBeLessThan(200);
    expect(m.cost).toBe(1 + 2 ** levels);
  });

  it("names the limit, the value and the setting in the error", () => {
    const [violation] = limitViolations(
      measure(
        `{ child(id: 1) { guardians { children { guardians { children { guardians { children { guardians { children ` +
          `{ guardians { children { id } } } } } } } } } } } }`,
      ),
      DEFAULT_LIMITS,
    );
    const error = limitError(violation!);
    expect(error.message).toBe("query depth 12 exceeds the limit of 10 (HUB_MAX_DEPTH)");
    expect(error.extensions).toMatchObject({
      code: "OPERATION_LIMIT_EXCEEDED",
      limit: "HUB_MAX_DEPTH",
      value: 12,
      max: 10,
    });
    const page = limitViolations(measure(`{ children(first: 501) { totalCount } }`), DEFAULT_LIMITS);
    expect(limitError(page[0]!).message).toBe(
      "page size (first) 501 at Query.children exceeds the limit of 500 (HUB_MAX_PAGE_SIZE)",
    );
  });
});

describe("measuring with the variables' defaults", () => {
  it("#18.5 measures cost and page sizes with the variables' defaults applied", () => {
    const query =
      `query($a: Int = 500, $b: Int = 500) { children(first: $a) { edges { node { ` +
      `siblings(first: $b) { edges { node { id } } } } } } }`;
    // 1 + 500 × (edges 1 + node 1 + siblings (1 + 500 × (edges 1 + node 1 + id 1)))
    const full = 1 + 500 * (1 + 1 + (1 + 500 * 3));
    expect(measure(query, {})).toMatchObject({ cost: full, largestPage: { first: 500 } });
    expect(limitViolations(measure(query, {}), DEFAULT_LIMITS).map((v) => v.limit)).toEqual(["maxCost"]);
    // A value given wins over the default; null given is null (the default page size), as in execution.
    expect(measure(query, { a: 2, b: 3 }).cost).toBe(1 + 2 * (1 + 1 + (1 + 3 * 3)));
    expect(measure(query, { a: null, b: 1 }).cost).toBe(1 + 50 * (1 + 1 + (1 + 1 * 3)));
  });
});
