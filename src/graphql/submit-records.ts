// Decorators below read type metadata: the polyfill must be loaded whoever imports this file first (a test may).
import "reflect-metadata";
import { Arg, Ctx, Mutation, Resolver, registerEnumType } from "type-graphql";
import type { Department } from "../access/identity/viewer.ts";
import { ErrorCode, HubError, InputError } from "../errors.ts";
import type { FieldError } from "../ingest/kind.ts";
import { kindsOf, recordKind } from "../ingest/kinds/index.ts";
import { ingestWithinRegion, type IncomingRow } from "../ingest/sender-region.ts";
import { hubMetrics } from "../observability/metrics.ts";
import { IngestReport, RecordRow } from "./ingest-report.ts";
import type { SubgraphContext } from "./subgraph.ts";

/**
 * Rows one `submit<Department>Records` call may carry. A batch is one transaction (all of it
 * is committed or none), so its size bounds how long the department's tables are locked and
 * how much a retry resends; larger loads go in several calls, or as a file through `npm run import`.
 */
export const MAX_SUBMITTED_ROWS = 5_000;

const title = (department: Department) => `${department[0]!.toUpperCase()}${department.slice(1)}`;

/** "education.student_registration" → "STUDENT_REGISTRATION": the kind's GraphQL enum value. */
export function kindEnumValue(kindName: string): string {
  return kindName.slice(kindName.indexOf(".") + 1).toUpperCase();
}

/** The mutation a department's own system submits its records with: `submitEducationRecords`. */
export function submitMutationName(department: Department): string {
  return `submit${title(department)}Records`;
}

/**
 * The resolver of `submit<Department>Records(kind, rows)` for one department subgraph, with
 * its `<Department>RecordKind` enum built from RECORD_KINDS (value = the kind's name after the
 * dot, upper-cased). Call it once per department, at module level: type-graphql registers the
 * enum and the resolver globally. A department without kinds gets no mutation (an empty enum
 * is not valid GraphQL), hence a list.
 *
 * The shield's policy rows are the first line (only `department_system` of this department);
 * the resolver checks the same again, and the token's region row by row, so a mistake in the
 * table still cannot let one department write another's records, or another region's.
 */
export function submitRecordsResolvers(department: Department): (new () => object)[] {
  const kinds = kindsOf(department);
  if (kinds.length === 0) return [];
  const KindEnum: Record<string, string> = Object.fromEntries(kinds.map((k) => [kindEnumValue(k.name), k.name]));
  registerEnumType(KindEnum, {
    name: `${title(department)}RecordKind`,
    description: `A kind of record the ${department} department sends (the same kinds as its files).`,
    valuesConfig: Object.fromEntries(kinds.map((k) => [kindEnumValue(k.name), { description: k.description }])),
  });

  @Resolver()
  class SubmitRecordsResolver {
    @Mutation(() => IngestReport, {
      name: submitMutationName(department),
      nullable: true,
      description:
        `The ${department} department's system sends a batch of one kind of record ` +
        `(at most ${MAX_SUBMITTED_ROWS.toLocaleString("en")} rows), keyed by its own record_id: ` +
        "new records are inserted, changed ones updated, identical ones left alone, " +
        "so resending a batch changes nothing. " +
        "Bad rows are reported by row and column and never stop the good ones; " +
        "a record placed outside the token's region is refused. Linkage and coverage follow for the touched children.",
    })
    async submit(
      @Arg("kind", () => KindEnum) kindName: string,
      @Arg("rows", () => [RecordRow]) rows: RecordRow[],
      @Ctx() ctx: SubgraphContext,
    ): Promise<IngestReport> {
      const viewer = ctx.viewer;
      // Defence in depth: the policy table already allows this department's system only.
      if (viewer.role !== "department_system" || viewer.scope.department !== department || !viewer.scope.region) {
        const who =
          viewer.role === "department_system"
            ? `the ${viewer.scope.department ?? "unknown"} department's system`
            : `role ${viewer.role}`;
        throw new HubError(
          ErrorCode.FORBIDDEN,
          `only the ${department} department's own system ` +
            `(role department_system, scope.department ${department}, a scope.region) ` +
            `may submit ${department} records, but this is ${who}`,
        );
      }
      if (rows.length > MAX_SUBMITTED_ROWS) {
        throw new InputError(
          "rows",
          `may hold at most ${MAX_SUBMITTED_ROWS} rows per call, but got ${rows.length}; ` +
            "send them in several calls, or as a file with `npm run import`",
        );
      }
      const kind = recordKind(kindName);
      if (!kind || kind.department !== department)
        throw new InputError("kind", `must be a kind of ${department} record, but got "${kindName}"`);
      const report = await ingestWithinRegion(ctx.db, kind, rows.map(incomingRow), {
        region: viewer.scope.region,
        actor: viewer.subject,
      });
      hubMetrics.countIngest(kind.name, report);
      return report;
    }
  }
  return [SubmitRecordsResolver];
}

/**
 * A GraphQL row as the raw row a kind parses (column → text). A column given twice is refused
 * for that row: which of the two values was meant cannot be known.
 */
function incomingRow(row: RecordRow): IncomingRow {
  // A Map, then fromEntries: a column called "__proto__" stays a plain (unknown) column.
  const values = new Map<string, string | null>();
  const repeated = new Map<string, number>();
  for (const { column, value } of row.fields) {
    if (values.has(column)) repeated.set(column, (repeated.get(column) ?? 1) + 1);
    else values.set(column, value);
  }
  if (repeated.size === 0) return { ok: true, raw: Object.fromEntries(values) };
  const recordId = values.get("record_id")?.trim() || null;
  const errors: FieldError[] = [...repeated].map(([column, times]) => ({
    field: column,
    message: `must appear once in a row, but appears ${times} times`,
  }));
  return { ok: false, recordId, errors };
}
