/**
 * The malicious corpus: operations an attacker (with a valid token or none) would send to tire
 * or map the hub. Generated, each with the refusals that are acceptable for it: the limit it
 * was built to break, or a stricter one it reaches first (a 1,000-alias operation also has more
 * tokens than allowed, and the parser stops before the alias count is ever taken).
 */
export type Category =
  | "depth"
  | "aliases"
  | "root fields"
  | "directives"
  | "tokens"
  | "query size"
  | "fragment cycles"
  | "pages"
  | "cost"
  | "introspection (production)"
  | "batches"
  | "body size";

export interface Attack {
  category: Category;
  query: string;
  variables?: Record<string, unknown>;
  /** Acceptable `extensions.limit` values when the refusal is OPERATION_LIMIT_EXCEEDED; or a validation message. */
  refusedBy: { limits?: string[]; validation?: RegExp };
}

const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/**
 * `levels` fields below a Child: enrollment → child → enrollment … (a cycle the supergraph
 * really has, so every level is a valid field), then a leaf.
 */
function deepChild(levels: number): string {
  const fields = range(0, levels - 1).map((i) => (i % 2 === 0 ? "enrollment" : "child"));
  return fields.reduceRight((inner, field) => `${field} { ${inner} }`, levels % 2 === 1 ? "recordId" : "id");
}

export function maliciousCorpus(maxDepth: number): Attack[] {
  const attacks: Attack[] = [];
  const add = (
    category: Category,
    query: string,
    refusedBy: Attack["refusedBy"],
    variables?: Record<string, unknown>,
  ) => attacks.push({ category, query, refusedBy, ...(variables ? { variables } : {}) });

  // Depth, from the first depth over the limit to 100: plainly, through fragments, through a
  // fragment named like introspection (graphql-armor's max-depth skipped those), through introspection.
  for (const depth of range(maxDepth + 1, 100)) {
    // childByIdNumber is depth 1 and the leaf the last level.
    const body = deepChild(depth - 2);
    add("depth", `{ childByIdNumber(idNumber: "330106201501010011") { ${body} } }`, {
      limits: ["HUB_MAX_DEPTH", "HUB_MAX_TOKENS"],
    });
    if (depth % 3 === 0)
      add("depth", `query { ...__schema } fragment __schema on Query { childByIdNumber(idNumber: "1") { ${body} } }`, {
        limits: ["HUB_MAX_DEPTH", "HUB_MAX_TOKENS"],
      });
  }
  for (const depth of range(maxDepth + 1, 40, 3)) {
    let type = "name";
    for (let i = 0; i < depth - 3; i++) type = `ofType { ${type} }`;
    add("depth", `{ __schema { types { ${type} } } }`, { limits: ["HUB_MAX_DEPTH"] });
  }

  // Aliases: 16 to 1,000 of one cheap field.
  for (const n of [...range(16, 100), ...range(125, 1_000, 25)]) {
    add(
      "aliases",
      `{ ${range(1, n)
        .map((i) => `a${i}: __typename`)
        .join(" ")} }`,
      { limits: ["HUB_MAX_ALIASES", "HUB_MAX_ROOT_FIELDS", "HUB_MAX_TOKENS"] },
    );
  }
  for (const n of range(16, 200, 8))
    add(
      "aliases",
      `{ childByIdNumber(idNumber: "1") { ${range(1, n)
        .map((i) => `n${i}: name`)
        .join(" ")} } }`,
      { limits: ["HUB_MAX_ALIASES", "HUB_MAX_TOKENS"] },
    );

  // Root fields: the same field asked many times at the root, without aliases.
  for (const n of range(9, 200, 7))
    add("root fields", `{ ${'schools(region: "33") { totalCount } '.repeat(n)} }`, {
      limits: ["HUB_MAX_ROOT_FIELDS", "HUB_MAX_TOKENS", "HUB_MAX_COST"],
    });

  // Directive bombs: one field carrying 11 to 1,000 directives; and an operation-level pile.
  for (const n of [...range(11, 60), ...range(80, 1_000, 40)])
    add("directives", `{ __typename ${"@include(if: true) ".repeat(n)} }`, {
      limits: ["HUB_MAX_DIRECTIVES", "HUB_MAX_TOKENS"],
    });
  for (const n of range(11, 100, 11))
    add("directives", `query Q ${"@skip(if: false) ".repeat(n)} { __typename }`, {
      limits: ["HUB_MAX_DIRECTIVES", "HUB_MAX_TOKENS"],
    });

  // Token bombs: selections, punctuation and arguments past the token limit.
  for (const n of range(1_600, 40_000, 1_600))
    add("tokens", `{ ${"__typename ".repeat(n)} }`, { limits: ["HUB_MAX_TOKENS"] });
  for (const n of range(1_600, 16_000, 1_600))
    add("tokens", `query($v: [Int] = [${"1 ".repeat(n)}]) { __typename }`, { limits: ["HUB_MAX_TOKENS"] });
  for (const n of range(600, 6_000, 600))
    add(
      "tokens",
      `query(${range(1, n)
        .map((i) => `$v${i}: Int`)
        .join(" ")}) { __typename }`,
      { limits: ["HUB_MAX_TOKENS"] },
    );

  // Query size: few tokens, many bytes (one long string argument).
  for (const kb of range(17, 900, 40))
    add("query size", `{ childByIdNumber(idNumber: "${"9".repeat(kb * 1024)}") { id } }`, {
      limits: ["HUB_MAX_QUERY_BYTES"],
    });

  // Fragment cycles: a fragment reaching itself in 1 to 20 steps (the spec forbids them; the
  // measure must still end), and cycles hidden behind a fragment named __schema.
  for (const length of range(1, 20)) {
    const fragments = range(0, length - 1)
      .map((i) => `fragment F${i} on Child { id ...F${(i + 1) % length} }`)
      .join(" ");
    add("fragment cycles", `{ childByIdNumber(idNumber: "1") { ...F0 } } ${fragments}`, {
      validation: /Cannot spread fragment "F\d+" within itself/,
    });
  }
  for (const n of range(1, 10)) {
    add(
      "fragment cycles",
      `{ ...__schema } fragment __schema on Query { __typename ...B${n} } fragment B${n} on Query { ...__schema }`,
      { validation: /Cannot spread fragment "(__schema|B\d+)" within itself/ },
    );
  }

  // Oversized pages: every connection root with first over the cap, literal and through a variable.
  const roots = [
    'schools(region: "33"',
    'familyDoctors(region: "33"',
    'vaccinationSites(region: "33"',
    'childrenInRegion(region: "33"',
    "coverageGaps(",
    "newbornWatchlist(",
    "linkReviews(",
    "coordinationAreas(",
    "accessLog(",
  ];
  for (const root of roots) {
    for (const first of [501, 1_000, 5_000, 100_000, 2_147_483_647])
      add("pages", `{ ${root}${root.endsWith("(") ? "" : ", "}first: ${first}) { totalCount } }`, {
        limits: ["HUB_MAX_PAGE_SIZE"],
      });
    add(
      "pages",
      `query($n: Int) { ${root}${root.endsWith("(") ? "" : ", "}first: $n) { totalCount } }`,
      { limits: ["HUB_MAX_PAGE_SIZE"] },
      { n: 10_000 },
    );
  }
  for (const first of [600, 10_000])
    add("pages", `{ school(code: "1") { students(first: ${first}) { totalCount } } }`, {
      limits: ["HUB_MAX_PAGE_SIZE"],
    });

  // Cost: pages inside pages, each under the cap, together far over the budget.
  for (const first of range(100, 500, 40)) {
    add(
      "cost",
      `{ schools(region: "33", first: ${first}) { edges { node { ` +
        `students(first: 500) { edges { node { name child { name } } } } } } } }`,
      { limits: ["HUB_MAX_COST"] },
    );
    add(
      "cost",
      `query($a: Int, $b: Int) { vaccinationSites(region: "33", first: $a) { edges { node { ` +
        `children(first: $b) { edges { node { name guardians { name } } } } } } } }`,
      { limits: ["HUB_MAX_COST"] },
      { a: first, b: 500 },
    );
    add(
      "cost",
      `{ familyDoctors(region: "33", first: ${first}) { edges { node { ` +
        `patients(first: 500) { edges { node { child { name guardians { name } } } } } } } } }`,
      { limits: ["HUB_MAX_COST"] },
    );
  }
  return attacks;
}

/** Introspection, as a production gateway must refuse it, in the shapes that slipped past filters before. */
export function introspectionCorpus(): Attack[] {
  const refused = { validation: /introspection is not allowed/i };
  const shapes = [
    `{ __schema { types { name } } }`,
    `{ __schema { queryType { name } } }`,
    `{ __type(name: "Child") { fields { name } } }`,
    `{ s: __schema { types { name } } }`,
    `{ ... on Query { __schema { types { name } } } }`,
    `{ ...F } fragment F on Query { __schema { types { name } } }`,
    `{ ...__schema } fragment __schema on Query { __schema { directives { name } } }`,
    `{ ...__type } fragment __type on Query { __type(name: "Query") { name } }`,
    `query IntrospectionQuery { __schema { types { name } } }`,
    `{ __typename __schema { types { name } } }`,
    `{ childByIdNumber(idNumber: "1") { id } t: __type(name: "Guardian") { fields { name } } }`,
    `query($n: String!) { __type(name: $n) { name } }`,
    `{ __schema { types { fields { name } } } }`,
    `{ __schema { mutationType { fields { name args { name } } } } }`,
    `{ a: __type(name: "Child") { name } b: __type(name: "School") { name } }`,
  ];
  return shapes.flatMap((query) => [
    { category: "introspection (production)" as const, query, refusedBy: refused },
    {
      category: "introspection (production)" as const,
      query: query.replace(/^\{/, "query Disguised {"),
      refusedBy: refused,
    },
  ]);
}

/**
 * A request as an outsider sends it over HTTP, and the answer expected of it: the status, and
 * the code of its first error (null: no JSON error body, as for a 431 from Node itself).
 */
export interface HttpAttack {
  category: "variables" | "client mistakes";
  name: string;
  method?: string;
  /** Relative to the server's root; default /graphql. */
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  expect: { status: number; code: string | null; limit?: string };
}

const json = (value: unknown) => JSON.stringify(value);
/** `{"k0":0,"k1":0,…}` with n keys, as text (faster to build than an object, and the same bytes). */
const wideObject = (n: number, value = "0") => `{${range(0, n - 1).map((i) => `"k${i}":${value}`)}}`;
const nestedLists = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

/**
 * Variables built to make coercion expensive (issue 18, finding 1: N unknown keys cost
 * @apollo/gateway O(N²)), sent with `operation`, a registered operation that takes
 * `$filter: CoverageGapFilter` and `$first: Int!` (GapList), so the same requests reach a
 * gateway with a safelist. `extensions` (a persisted-query id) replaces the text when given.
 */
export function variableAttacks(operation: string, extensions?: Record<string, unknown>): HttpAttack[] {
  const body = (variables: string) =>
    `{${extensions ? `"extensions":${json(extensions)}` : `"query":${json(operation)}`},"variables":${variables}}`;
  const limit = (name: string, variables: string, env: string): HttpAttack => ({
    category: "variables",
    name,
    body: body(variables),
    expect: { status: 400, code: "OPERATION_LIMIT_EXCEEDED", limit: env },
  });
  const input = (name: string, variables: unknown): HttpAttack => ({
    category: "variables",
    name,
    body: body(json(variables)),
    expect: { status: 400, code: "BAD_USER_INPUT" },
  });
  return [
    ...[101, 1_000, 10_000, 50_000].map((n) =>
      limit(`${n} unknown keys in an input object`, `{"first":1,"filter":${wideObject(n)}}`, "HUB_MAX_VARIABLE_KEYS"),
    ),
    limit("50,000 unknown variables", wideObject(50_000), "HUB_MAX_VARIABLE_KEYS"),
    limit(
      "50,000 keys one level down",
      `{"first":1,"filter":{"region":${wideObject(50_000, '"x"')}}}`,
      "HUB_MAX_VARIABLE_KEYS",
    ),
    ...[11, 1_000, 100_000].map((depth) =>
      limit(`a list ${depth} deep`, `{"first":1,"filter":${nestedLists(depth)}}`, "HUB_MAX_VARIABLE_DEPTH"),
    ),
    ...[11, 100_000].map((depth) =>
      limit(
        `a Date ${depth} deep`,
        `{"first":1,"filter":{"bornAfter":${nestedLists(depth)}}}`,
        "HUB_MAX_VARIABLE_DEPTH",
      ),
    ),
    limit("objects 50,000 deep", `{"first":1,"filter":${nestedObjects(50_000)}}`, "HUB_MAX_VARIABLE_DEPTH"),
    ...[4_097, 100_000, 900_000].map((n) =>
      limit(
        `a string of ${n} characters`,
        json({ first: 1, filter: { region: "3".repeat(n) } }),
        "HUB_MAX_VARIABLE_STRING_LENGTH",
      ),
    ),
    limit(
      "a key of 5,000 characters",
      json({ first: 1, filter: { ["k".repeat(5_000)]: 1 } }),
      "HUB_MAX_VARIABLE_STRING_LENGTH",
    ),
    limit(
      "100,001 values in an unused variable",
      `{"first":1,"v":[${"0,".repeat(100_000)}0]}`,
      "HUB_MAX_VARIABLE_NODES",
    ),
    limit(
      "100 lists of 1,100 values",
      `{"first":1,"v":{${range(0, 99).map((i) => `"k${i}":[${"0,".repeat(1_099)}0]`)}}}`,
      "HUB_MAX_VARIABLE_NODES",
    ),
    input("100 unknown keys (within the key limit)", { first: 1, filter: JSON.parse(wideObject(100)) }),
    input("a string for an input object", { first: 1, filter: "everything" }),
    input("an enum value of 4,000 characters", { first: 1, filter: { status: "X".repeat(4_000) } }),
    input("a list for an Int", { first: [1, 2] }),
    input("an Int beyond 32 bits", { first: 1e100 }),
    input("a required variable missing", {}),
    input("a required variable null", { first: null }),
    input("a prototype key in an input object", JSON.parse('{"first":1,"filter":{"__proto__":{"region":"33"}}}')),
  ];
}

const GRAPHQL = { "content-type": "application/json" };

/**
 * Client mistakes (issue 18, finding 16: several of these answered HTTP 500 with
 * INTERNAL_SERVER_ERROR): each must get a 4xx and a code, small and fast. A token, when the
 * request needs one, is the caller's (the test adds it).
 */
export function clientMistakes(): HttpAttack[] {
  const mistake = (
    name: string,
    request: Omit<HttpAttack, "category" | "name" | "expect">,
    status: number,
    code: string | null,
  ): HttpAttack => ({ category: "client mistakes", name, ...request, expect: { status, code } });
  const post = (value: unknown) => ({ headers: GRAPHQL, body: typeof value === "string" ? value : json(value) });
  const two = "query A { __typename } query B { __typename }";
  const pq = (persistedQuery: unknown, query?: string) =>
    post({ ...(query ? { query } : {}), extensions: { persistedQuery } });
  const get = (search: string, headers: Record<string, string> = { "apollo-require-preflight": "true" }) => ({
    method: "GET",
    path: `/graphql?${search}`,
    headers,
  });
  const typename = encodeURIComponent("{ __typename }");
  return [
    mistake("several operations and no operationName", post({ query: two }), 400, "OPERATION_RESOLUTION_FAILURE"),
    mistake(
      "several operations and operationName null",
      post({ query: two, operationName: null }),
      400,
      "OPERATION_RESOLUTION_FAILURE",
    ),
    mistake("an unknown operationName", post({ query: two, operationName: "C" }), 400, "OPERATION_RESOLUTION_FAILURE"),
    mistake(
      "an operationName of 10,000 characters",
      post({ query: two, operationName: "x".repeat(10_000) }),
      400,
      "OPERATION_RESOLUTION_FAILURE",
    ),
    mistake("a subscription", post({ query: "subscription { __typename }" }), 400, "BAD_REQUEST"),
    mistake(
      "a subscription by name",
      post({ query: `${two} subscription S { __typename }`, operationName: "S" }),
      400,
      "BAD_REQUEST",
    ),
    mistake("a batch of one subscription", post([{ query: "subscription { __typename }" }]), 400, "BAD_REQUEST"),
    mistake("only fragments", post({ query: "fragment F on Query { __typename }" }), 400, "GRAPHQL_VALIDATION_FAILED"),
    mistake("an empty query", post({ query: "" }), 400, "BAD_REQUEST"),
    mistake("a query of blanks", post({ query: "   " }), 400, "GRAPHQL_PARSE_FAILED"),
    mistake("a NUL in the query", post({ query: "{ __typename \u0000 }" }), 400, "GRAPHQL_PARSE_FAILED"),
    mistake("a number for the query", post({ query: 5 }), 400, "BAD_REQUEST"),
    mistake("a list for the query", post({ query: ["{ __typename }"] }), 400, "BAD_REQUEST"),
    mistake("a number for the variables", post({ query: "{ __typename }", variables: 5 }), 400, "BAD_REQUEST"),
    mistake("a string for the variables", post({ query: "{ __typename }", variables: "{}" }), 400, "BAD_REQUEST"),
    mistake("a list for the variables", post({ query: "{ __typename }", variables: [1] }), 400, "BAD_REQUEST"),
    mistake("an object for operationName", post({ query: "{ __typename }", operationName: {} }), 400, "BAD_REQUEST"),
    mistake("a string for the extensions", post({ query: "{ __typename }", extensions: "x" }), 400, "BAD_REQUEST"),
    mistake("a persisted query of version 2", pq({ version: 2, sha256Hash: "0".repeat(64) }), 400, "BAD_REQUEST"),
    mistake('a persisted query of version "1"', pq({ version: "1", sha256Hash: "0".repeat(64) }), 400, "BAD_REQUEST"),
    mistake("a persisted query without a version", pq({}), 400, "BAD_REQUEST"),
    mistake("a persisted query that is a string", pq("x"), 400, "BAD_REQUEST"),
    mistake(
      "a hash that is not the text's",
      pq({ version: 1, sha256Hash: "0".repeat(64) }, "{ __typename }"),
      400,
      "BAD_REQUEST",
    ),
    // Apollo's protocol: an unknown id answers 200, and the client sends the text.
    mistake(
      "an unknown persisted-query id",
      pq({ version: 1, sha256Hash: "0".repeat(64) }),
      200,
      "PERSISTED_QUERY_NOT_FOUND",
    ),
    mistake(
      "an object for the persisted-query id",
      pq({ version: 1, sha256Hash: { a: 1 } }),
      200,
      "PERSISTED_QUERY_NOT_FOUND",
    ),
    ...["null", "5", '"x"', "true", "{}", "[null]", "[1]", "[]"].map((body) =>
      mistake(`the body ${body}`, post(body), 400, "BAD_REQUEST"),
    ),
    mistake("a body that is not JSON", post("{not json"), 400, "BAD_REQUEST"),
    mistake("a body with a byte-order mark", post(`\ufeff${json({ query: "{ __typename }" })}`), 400, "BAD_REQUEST"),
    mistake("a body with trailing bytes", post(`${json({ query: "{ __typename }" })}xx`), 400, "BAD_REQUEST"),
    mistake("a body of 500,000 nested brackets", post(nestedLists(500_000)), 400, "OPERATION_LIMIT_EXCEEDED"),
    mistake("a body of 1,000 nested objects", post(nestedObjects(1_000)), 400, "OPERATION_LIMIT_EXCEEDED"),
    mistake(
      "a form body",
      { headers: { "content-type": "application/x-www-form-urlencoded" }, body: `query=${typename}` },
      400,
      "BAD_REQUEST",
    ),
    mistake(
      "a text/plain body (CSRF)",
      { headers: { "content-type": "text/plain" }, body: json({ query: "{ __typename }" }) },
      400,
      "BAD_REQUEST",
    ),
    mistake("a GET without a query", get(""), 400, "BAD_REQUEST"),
    mistake("a GET of a mutation", get(`query=${encodeURIComponent("mutation { __typename }")}`), 405, "BAD_REQUEST"),
    mistake("a GET with variables that are not JSON", get(`query=${typename}&variables=nope`), 400, "BAD_REQUEST"),
    mistake("a GET with extensions that are not JSON", get(`query=${typename}&extensions=nope`), 400, "BAD_REQUEST"),
    mistake("a GET without a CSRF header", get(`query=${typename}`, {}), 400, "BAD_REQUEST"),
    ...["PUT", "DELETE", "PATCH", "OPTIONS"].map((method) =>
      mistake(`a ${method}`, { method, headers: GRAPHQL, body: json({ query: "{ __typename }" }) }, 405, "BAD_REQUEST"),
    ),
    mistake(
      "an Accept that excludes JSON",
      { headers: { ...GRAPHQL, accept: "application/xml" }, body: json({ query: "{ __typename }" }) },
      406,
      "BAD_REQUEST",
    ),
    mistake(
      "a token that is not a JWT",
      { headers: { ...GRAPHQL, authorization: "Bearer xyz" }, body: json({ query: "{ __typename }" }) },
      401,
      "UNAUTHENTICATED",
    ),
    mistake(
      "Basic credentials",
      { headers: { ...GRAPHQL, authorization: "Basic YTpi" }, body: json({ query: "{ __typename }" }) },
      401,
      "UNAUTHENTICATED",
    ),
    mistake(
      "a token of 12,000 bytes",
      {
        headers: { ...GRAPHQL, authorization: `Bearer ${"a".repeat(12_000)}` },
        body: json({ query: "{ __typename }" }),
      },
      401,
      "UNAUTHENTICATED",
    ),
    mistake(
      "a header of 20,000 bytes",
      { headers: { ...GRAPHQL, "x-junk": "a".repeat(20_000) }, body: json({ query: "{ __typename }" }) },
      431,
      null,
    ),
    mistake("@defer", post({ query: "{ ... @defer { __typename } }" }), 400, "GRAPHQL_VALIDATION_FAILED"),
    mistake(
      "a variable of an unknown type",
      post({ query: "query($v: Nope) { __typename }" }),
      400,
      "GRAPHQL_VALIDATION_FAILED",
    ),
    mistake(
      "a default of the wrong type",
      post({ query: 'query($v: Int = "x") { __typename }' }),
      400,
      "GRAPHQL_VALIDATION_FAILED",
    ),
    mistake(
      "_entities at the gateway",
      post({ query: '{ _entities(representations: [{__typename: "Child", id: "1"}]) { __typename } }' }),
      400,
      "GRAPHQL_VALIDATION_FAILED",
    ),
    mistake("_service at the gateway", post({ query: "{ _service { sdl } }" }), 400, "GRAPHQL_VALIDATION_FAILED"),
    mistake("a path beside the endpoint", { path: "/graphql/", ...post({ query: "{ __typename }" }) }, 404, null),
  ];
}
