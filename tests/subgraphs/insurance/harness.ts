import { insuranceSubgraph } from "../../../src/subgraphs/insurance/index.ts";
import { departmentSystemHeaders } from "../../kit/auth.ts";
import { builders, COVERAGE_YEAR, type Builders } from "../../kit/builders.ts";
import { openTestDatabase, type Engine, type TestDatabase } from "../../kit/database.ts";
import { executeSubgraph } from "../../kit/subgraph.ts";

export const YEAR = COVERAGE_YEAR;

/** A test database with the insurance subgraph's runner, builders and a switchable SQL statement counter. */
export interface InsuranceTestDatabase {
  database: TestDatabase;
  build: Builders;
  /** Runs an operation as the insurance department's province-wide system, or as the viewer of `headers`. */
  run(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): ReturnType<typeof executeSubgraph>;
  /** Runs `fn` and returns how many SQL statements it sent, with its result. */
  counting<T>(fn: () => Promise<T>): Promise<{ statements: number; result: T }>;
}

export async function openInsuranceTestDatabase(engine: Engine): Promise<InsuranceTestDatabase> {
  let counting = false;
  let statements = 0;
  const database = await openTestDatabase(engine, { onQuery: () => void (counting && statements++) });
  return {
    database,
    build: builders(database.db),
    run: async (query, variables = {}, headers) =>
      executeSubgraph(
        insuranceSubgraph,
        database.db,
        query,
        variables,
        headers ?? (await departmentSystemHeaders("insurance")),
      ),
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

export const CHILD_INSURANCE_QUERY = `query ChildInsurance($representations: [_Any!]!, $year: Int!) {
  _entities(representations: $representations) {
    ... on Child {
      id
      insurance {
        enrollments {
          recordId coverageYear insuranceType status enrolledOn paidOn benefitStartsOn idNumber birthCertificateNumber
            name
          area { code name windowOpens windowCloses annualContributionFen }
          contributions { recordId amountFen amountYuan payerKind needyCategory payerIdNumber paidOn }
        }
        insuredFor(coverageYear: $year)
        assistanceEligibility { needyCategory regionCode validFrom validUntil }
      }
    }
  }
}`;
