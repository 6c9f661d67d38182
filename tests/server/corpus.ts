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
