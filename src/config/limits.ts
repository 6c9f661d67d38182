/** Page sizes: a roster of a large school fits in a page, a province never does. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/**
 * The operation limits of the gateway and of every subgraph server: one table gives each its
 * environment variable, default and meaning, read by the config loader, named in every
 * rejection and listed in the README.
 *
 * Defaults are sized on the hub's real work (tests/operations/, rosters of a 500-student page)
 * with room to spare, and far below what an attacker needs: the deepest real operation nests 9
 * fields, the widest asks 2 root fields, none uses an alias or a directive.
 */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxDirectives: number;
  maxTokens: number;
  maxQueryBytes: number;
  maxCost: number;
  maxPageSize: number;
  maxBatch: number;
  maxBodyBytes: number;
  executionTimeoutMs: number;
  maxVariableKeys: number;
  maxVariableNodes: number;
  maxVariableDepth: number;
  maxVariableStringLength: number;
  bodyTimeoutMs: number;
  maxConnections: number;
}

export type LimitName = keyof OperationLimits;

export interface LimitSetting {
  env: string;
  default: number;
  min: number;
  max: number;
  /** What is counted, as it reads in an error: "query depth 12 exceeds the limit of 10 (HUB_MAX_DEPTH)". */
  what: string;
}

export const LIMIT_SETTINGS: Readonly<Record<LimitName, LimitSetting>> = {
  maxDepth: { env: "HUB_MAX_DEPTH", default: 10, min: 1, max: 1_000, what: "query depth" },
  maxAliases: { env: "HUB_MAX_ALIASES", default: 15, min: 0, max: 10_000, what: "number of aliases" },
  maxRootFields: { env: "HUB_MAX_ROOT_FIELDS", default: 8, min: 1, max: 1_000, what: "number of root fields" },
  maxDirectives: { env: "HUB_MAX_DIRECTIVES", default: 10, min: 0, max: 10_000, what: "number of directives" },
  maxTokens: { env: "HUB_MAX_TOKENS", default: 1_500, min: 10, max: 1_000_000, what: "number of tokens" },
  maxQueryBytes: { env: "HUB_MAX_QUERY_BYTES", default: 16_384, min: 64, max: 10_000_000, what: "query size in bytes" },
  // SchoolRoster (students with hukou, school and insurance) costs 25,004 at a 500-row page: a
  // roster of 2,000 students in one operation would cost about 100,000, which still passes.
  maxCost: { env: "HUB_MAX_COST", default: 150_000, min: 1, max: 1_000_000_000, what: "estimated cost" },
  // The resolvers refuse more than MAX_PAGE_SIZE anyway (src/graphql/paging.ts); this refuses it before any runs.
  maxPageSize: {
    env: "HUB_MAX_PAGE_SIZE",
    default: MAX_PAGE_SIZE,
    min: 1,
    max: MAX_PAGE_SIZE,
    what: "page size (first)",
  },
  // Batching is off by default: one operation per HTTP request (a JSON array of one is accepted).
  maxBatch: { env: "HUB_MAX_BATCH", default: 1, min: 1, max: 100, what: "number of operations in a batch" },
  maxBodyBytes: {
    env: "HUB_MAX_BODY_BYTES",
    default: 1_000_000,
    min: 1_024,
    max: 100_000_000,
    what: "request body size in bytes",
  },
  executionTimeoutMs: {
    env: "HUB_EXECUTION_TIMEOUT_MS",
    default: 30_000,
    min: 100,
    max: 600_000,
    what: "execution time in ms",
  },
  // The variables are measured before they are coerced (src/server/variables.ts): graphql-js
  // quotes the whole value in each coercion error, so 50,000 unknown keys in one input object
  // once cost O(N²) time and answer. The widest input object of the schema has 7 fields; a
  // batch of 5,000 ingest rows of 5 columns holds about 85,000 values (and fits the body limit).
  maxVariableKeys: {
    env: "HUB_MAX_VARIABLE_KEYS",
    default: 100,
    min: 1,
    max: 100_000,
    what: "number of keys in one object of the variables",
  },
  maxVariableNodes: {
    env: "HUB_MAX_VARIABLE_NODES",
    default: 100_000,
    min: 10,
    max: 100_000_000,
    what: "number of values in the variables",
  },
  maxVariableDepth: {
    env: "HUB_MAX_VARIABLE_DEPTH",
    default: 10,
    min: 1,
    max: 1_000,
    what: "nesting depth of the variables",
  },
  maxVariableStringLength: {
    env: "HUB_MAX_VARIABLE_STRING_LENGTH",
    default: 4_096,
    min: 16,
    max: 100_000_000,
    what: "length of a string in the variables",
  },
  // A client that sends its body slower than this (a slow-loris holding a connection one byte
  // short of its Content-Length) is answered 408 and cut off.
  bodyTimeoutMs: {
    env: "HUB_BODY_TIMEOUT_MS",
    default: 10_000,
    min: 100,
    max: 600_000,
    what: "time to receive a request in ms",
  },
  // Open connections to one server; beyond it new ones are closed at once. Each may hold up to
  // HUB_MAX_BODY_BYTES of body in memory.
  maxConnections: {
    env: "HUB_MAX_CONNECTIONS",
    default: 256,
    min: 1,
    max: 100_000,
    what: "number of open connections",
  },
};

export const DEFAULT_LIMITS: OperationLimits = Object.fromEntries(
  Object.entries(LIMIT_SETTINGS).map(([k, s]) => [k, s.default]),
) as unknown as OperationLimits;
