import { sql } from "drizzle-orm";
import { queryRows } from "../../../src/db/client.ts";
import { generateProvince } from "../../../src/generator/index.ts";
import { insuranceSubgraph } from "../../../src/subgraphs/insurance/index.ts";
import { openTestDatabase, type Engine, type TestDatabase } from "../../kit/database.ts";
import { linkFromTruth } from "../../kit/link-from-truth.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";

export const AS_OF = "2026-06-30";
export const YEAR = 2026;

/** A generated province of 1,500 children, linked perfectly, with a switchable SQL statement counter. */
export interface InsuranceProvince {
  database: TestDatabase;
  /** childKey → master child id. */
  childIds: Map<string, number>;
  /** Runs an operation as the insurance department's province-wide system, or as the viewer of `headers`. */
  run(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): ReturnType<typeof executeSubgraph>;
  rows<T extends Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]>;
  /** Runs `fn` and returns how many SQL statements it sent, with its result. */
  counting<T>(fn: () => Promise<T>): Promise<{ statements: number; result: T }>;
}

export async function openInsuranceProvince(engine: Engine): Promise<InsuranceProvince> {
  let counting = false;
  let statements = 0;
  const database = await openTestDatabase(engine, { onQuery: () => void (counting && statements++) });
  await generateProvince(database.db, { children: 1_500, seed: 5, asOf: AS_OF });
  const childIds = await linkFromTruth(database.db);
  return {
    database,
    childIds,
    run: async (query, variables = {}, headers) =>
      executeSubgraph(
        insuranceSubgraph,
        database.db,
        query,
        variables,
        headers ?? (await departmentSystemHeaders("insurance")),
      ),
    rows: (query) => queryRows(database.db, query),
    async counting(fn) {
      statements = 0;
      counting = true;
      try {
        const result = await fn();
        return { statements, result };
      } finally {
        counting = false;
      }
    },
  };
}

/**
 * A condition on a truth child `c`: it has an enrollment in one of the province's (33) areas,
 * which is what places it in the row scope of the insurance department's province-wide system.
 * Children enrolled only in their home province elsewhere are outside it (null through `_entities`).
 */
export const ENROLLED_IN_PROVINCE = sql`exists (
  select 1 from truth.records r join insurance.enrollments e on e.record_id = r.record_id
  where r.child_key = c.child_key and r.source = 'insurance.enrollment' and e.area_code like '33%')`;

/** `_entities` representations for children by their truth keys. */
export function childReps(province: InsuranceProvince, childKeys: readonly string[]) {
  return childKeys.map((key) => {
    const id = province.childIds.get(key);
    if (id === undefined) throw new Error(`no hub child for truth child ${key}`);
    return { __typename: "Child", id: String(id) };
  });
}

export const CHILD_INSURANCE_QUERY = `query ChildInsurance($representations: [_Any!]!, $year: Int!) {
  _entities(representations: $representations) {
    ... on Child {
      id
      insurance {
        enrollments {
          recordId coverageYear insuranceType status enrolledOn paidOn benefitStartsOn idNumber birthCertificateNumber name
          area { code name windowOpens windowCloses annualContributionFen }
          contributions { recordId amountFen amountYuan payerKind needyCategory payerIdNumber paidOn }
        }
        insuredFor(coverageYear: $year)
        assistanceEligibility { needyCategory regionCode validFrom validUntil }
      }
    }
  }
}`;
