import { sql } from "drizzle-orm";
import { queryRows } from "../../src/db/client.ts";
import type { BenchContext } from "../kit/context.ts";
import { dataOf } from "../kit/context.ts";
import { postGraphql } from "../kit/http.ts";
import type { OpenLoopOperation } from "../kit/open-loop.ts";
import type { DayActors } from "./province-day.ts";

/**
 * Before anything is timed, the day's lists and figures must agree with hand-written SQL over the
 * same snapshot: a fast wrong answer is no answer. The SQL is written here from the issue and
 * DESIGN.md (a gap is any status but INSURED, or an insured child still owed a subsidy; the gap
 * list's urgency order), not taken from the hub's code.
 */

/** An insured child still owed something is a gap too (DESIGN.md, coverage). */
const HAND_GAP = sql.raw(`(status <> 'INSURED' or reasons && array['NEEDY_WITHOUT_SUBSIDY', 'SUBSIDY_BELOW_SETTING'])`);

interface GapPage {
  coverageGaps: { totalCount: number; edges: { node: { child: { id: string } } }[] };
}

interface SchoolSummary {
  school: { coverage: { children: number; insured: number } };
}

function firstRequest(operations: readonly OpenLoopOperation[], label: string, index = 0) {
  const op = operations.find((o) => o.label === label);
  const request = op?.requests[index];
  if (!request) throw new Error(`the day has no request for ${label}`);
  const body = JSON.parse(request.body) as { query: string; variables: Record<string, unknown> };
  return { request, body };
}

export async function checkAgainstSql(
  context: BenchContext,
  url: string,
  actors: DayActors,
  operations: readonly OpenLoopOperation[],
): Promise<void> {
  const db = context.database.db;
  const { asOf } = actors;
  for (const [label, region] of [
    ["insurance_officer ConsoleGapList (county)", actors.counties[0]!],
    ["insurance_officer ConsoleGapList (province)", actors.province],
  ] as const) {
    const { request, body } = firstRequest(operations, label);
    const page = dataOf(label, await postGraphql(url, body.query, body.variables, request.headers, request.body));
    const gaps = (page as unknown as GapPage).coverageGaps;
    // The province's list holds the children it cannot place too (no residence, or one elsewhere),
    // of those an insurance office may see: resident or registered in its region (DESIGN.md), by
    // the places of hub.child_scope. A county's list: the children resident there.
    const where =
      region.length === 2
        ? sql`child_id in (select child_id from hub.child_scope
            where facet in ('residence', 'hukou', 'residence_permit', 'insurance_area') and code like ${`${region}%`})`
        : sql`residence_region_code like ${`${region}%`}`;
    const [count] = await queryRows<{ n: string }>(
      db,
      sql`select count(*)::text as n from hub.coverage_status where as_of = ${asOf} and ${HAND_GAP} and ${where}`,
    );
    const first = await queryRows<{ id: string }>(
      db,
      sql`select child_id::text as id from hub.coverage_status where as_of = ${asOf} and ${HAND_GAP} and ${where}
          order by case when deadline >= as_of then 0 when deadline < as_of then 1 else 2 end,
                   case when deadline >= as_of then deadline end,
                   case when deadline < as_of then deadline end desc, child_id
          limit ${gaps.edges.length}`,
    );
    if (gaps.totalCount !== Number(count!.n))
      throw new Error(`${label} ${region}: totalCount ${gaps.totalCount}, hand-written SQL ${count!.n}`);
    const ids = gaps.edges.map((e) => e.node.child.id);
    if (ids.join(",") !== first.map((r) => r.id).join(","))
      throw new Error(`${label} ${region}: the first page differs from the hand-written urgency order`);
  }
  const { request, body } = firstRequest(operations, "school_admin ConsoleSchoolSummary");
  const summary = dataOf(
    "school summary",
    await postGraphql(url, body.query, body.variables, request.headers, request.body),
  );
  const code = body.variables.code as string;
  const [school] = await queryRows<{ children: string; insured: string }>(
    db,
    sql`select count(*)::text as children, count(*) filter (where status in ('INSURED', 'DUPLICATE'))::text as insured
        from hub.coverage_status where as_of = ${asOf} and school_code = ${code}`,
  );
  const figures = (summary as unknown as SchoolSummary).school.coverage;
  if (figures.children !== Number(school!.children) || figures.insured !== Number(school!.insured))
    throw new Error(
      `school ${code}: the summary says ${figures.children} children, ${figures.insured} insured; ` +
        `hand-written SQL ${school!.children}, ${school!.insured}`,
    );
}
