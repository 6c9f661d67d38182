import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The example `npm start` prints (with the insurance officer's demo token) and GraphiQL opens
 * with: one child by ID number, with the fields an insurance office may read from three
 * departments (tests/gateway/http.test.ts runs it with that token).
 */
export const EXAMPLE_ROLE = "insurance_officer";

export const EXAMPLE_QUERY = `query ChildForInsuranceOffice($idNumber: String!) {
  childByIdNumber(idNumber: $idNumber) {
    id
    name
    sex
    birthDate
    idNumber
    residenceRegionCode
    hukou { registrationKind regionCode }
    guardians { relation name phone }
    insurance { enrollments { coverageYear status paidOn area { name } } }
  }
}`;

/** One operation GraphiQL offers as a tab: the role it is written for and variables to start from. */
export interface ExampleOperation {
  name: string;
  /** The role of its `# role:` comment; null when the file names none. */
  role: string | null;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * The role operations the tests run and the safelist registers (tests/operations/*.graphql),
 * the same files an integrator would copy. Read at call time: a checkout without them (a
 * trimmed deployment) just offers the one built-in example.
 */
export const EXAMPLE_OPERATIONS_DIR = path.resolve(import.meta.dirname, "../../tests/operations");

/**
 * Variables to start from, by name: a page of 20, the demo province, the 90-day window. The
 * GraphiQL page replaces region, school and doctor codes with the picked demo identity's own.
 *
 *   exampleVariables("query Q($region: String!, $first: Int!, $after: String) { … }")
 *   // { region: "33", first: 20 }
 */
export function exampleVariables(query: string): Record<string, unknown> {
  const header = /^\s*(?:query|mutation)\s+\w+\s*\(([^)]*)\)/m.exec(query)?.[1] ?? "";
  const variables: Record<string, unknown> = {};
  for (const [, name, type] of header.matchAll(/\$(\w+)\s*:\s*([\w!\][]+)/g)) {
    const value = STARTING_VALUES[name!];
    if (value !== undefined) variables[name!] = value;
    else if (type!.endsWith("!")) variables[name!] = type!.startsWith("Int") ? 20 : "";
  }
  return variables;
}

const STARTING_VALUES: Readonly<Record<string, unknown>> = {
  first: 20,
  withinDays: 90,
  region: "33",
  groupBy: "REGION",
  idNumber: "",
  code: "",
};

export function exampleOperations(dir: string = EXAMPLE_OPERATIONS_DIR): ExampleOperation[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith(".graphql"))
      .sort();
  } catch {
    files = [];
  }
  const builtIn: ExampleOperation = {
    name: "ChildForInsuranceOffice",
    role: EXAMPLE_ROLE,
    query: EXAMPLE_QUERY,
    variables: exampleVariables(EXAMPLE_QUERY),
  };
  return [
    builtIn,
    ...files.map((file) => {
      const query = readFileSync(path.join(dir, file), "utf8").trim();
      return {
        name: /^\s*(?:query|mutation)\s+(\w+)/m.exec(query)?.[1] ?? path.basename(file, ".graphql"),
        role: /^#\s*role:\s*(\w+)/m.exec(query)?.[1] ?? null,
        query,
        variables: exampleVariables(query),
      };
    }),
  ];
}
