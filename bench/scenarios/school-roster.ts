import { sql } from "drizzle-orm";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { maskStudentNumber } from "../../src/domain/identifiers.ts";
import { assertSameAnswer } from "../kit/compare.ts";
import { bearer, dataOf, type BenchContext, type Scenario } from "../kit/context.ts";
import { postGraphql } from "../kit/http.ts";
import { say } from "../kit/log.ts";
import { startRssSampler } from "../kit/memory.ts";
import { servePostGraphile } from "../kit/postgraphile.ts";
import { ratio, type LatencyStats } from "../kit/stats.ts";
import { timeInterleaved } from "../kit/timing.ts";

/** Students a roster lists: the 2,000. */
export const ROSTER_SIZE = 2_000;
/** The API's largest page (`first` ≤ 500). */
const PAGE = 500;

export const SCHOOL_ROSTER = `query SchoolRosterPage($code: String!, $first: Int!, $after: String, $asOf: Date!) {
  school(code: $code) {
    students(first: $first, after: $after) {
      edges {
        node {
          studentNumber name sex birthDate grade className
          child { id coverage(asOf: $asOf) { status reasons action } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/** One student of the roster, as every side is brought to for the comparison. */
export interface RosterStudent {
  studentNumber: string;
  name: string;
  sex: string;
  birthDate: string;
  grade: number;
  className: string;
  child: { id: string; coverage: { status: string; reasons: string[]; action: string | null } | null } | null;
}

/**
 * Which of the school's students a roster of `ROSTER_SIZE` takes: the largest schools, whole,
 * until there are enough.
 */
export interface RosterPlan {
  schools: { code: string; schoolYear: number; take: number }[];
  total: number;
}

/**
 * The largest schools (latest school year each) in order until their enrolled students reach
 * `size`; the last one contributes only what is missing.
 *
 *   planRoster(
 *     [{ code: "A", schoolYear: 2025, students: 1500 }, { code: "B", schoolYear: 2025, students: 900 }],
 *     2000,
 *   )
 *   // { schools: [{ code: "A", schoolYear: 2025, take: 1500 }, { code: "B", schoolYear: 2025, take: 500 }],
 *   //   total: 2000 }
 */
export function planRoster(
  schools: readonly { code: string; schoolYear: number; students: number }[],
  size: number,
): RosterPlan {
  const plan: RosterPlan = { schools: [], total: 0 };
  for (const s of [...schools].sort((a, b) => b.students - a.students || (a.code < b.code ? -1 : 1))) {
    if (plan.total >= size) break;
    const take = Math.min(s.students, size - plan.total);
    plan.schools.push({ code: s.code, schoolYear: s.schoolYear, take });
    plan.total += take;
  }
  return plan;
}

/**
 * The roster by hand: one statement through node-postgres over the same tables — the admin's
 * schools (the row scope), each school's latest year, the current link, the child's coverage
 * row of the date — then the student number masked in JS as the policy asks for a school
 * administrator. No token, no field rules, no access-log row.
 */
export const ROSTER_SQL = `
  select r.student_number, r.name, r.sex, r.birth_date::text as birth_date, r.grade, r.class_name,
         c.id::text as child_id, s.status, s.reasons, s.action
    from unnest($1::text[], $2::int[]) with ordinality as k(code, take, ord)
    cross join lateral (
      select r.* from education.student_registrations r
       where r.school_code = k.code and r.status = 'ENROLLED'
         and r.school_year = (select max(m.school_year) from education.student_registrations m
                               where m.school_code = k.code)
       order by r.grade, r.class_name, r.id limit k.take
    ) r
    left join hub.links l on l.source = 'education.student' and l.record_id = r.record_id and l.unlinked_at is null
    left join hub.children c on c.id = l.child_id and c.state = 'ACTIVE'
    left join hub.coverage_status s on s.as_of = $3 and s.child_id = c.id
   order by k.ord, r.grade, r.class_name, r.id`;

/** What PostGraphile is asked of each student: the same fields as SCHOOL_ROSTER, through its own relations. */
const PEER_STUDENT_FIELDS = `nodes { studentNumber name sex birthDate grade className
      currentLinks(condition: { source: "education.student", unlinkedAt: null }) {
        nodes {
          hubChildByChildId { rowId state coverageRows(condition: { asOf: $asOf }) { nodes { status reasons action } } }
        }
      } }`;

/** One page of a school's roster from PostGraphile, in the API's order. */
const PEER_PAGE = `query PeerRosterPage($code: String!, $year: Int!, $first: Int!, $after: Cursor, $asOf: Date!) {
  allStudentRegistrations(
    condition: { schoolCode: $code, schoolYear: $year, status: "ENROLLED" }
    orderBy: [GRADE_ASC, CLASS_NAME_ASC, ROW_ID_ASC]
    first: $first
    after: $after
  ) {
    ${PEER_STUDENT_FIELDS}
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The whole roster from PostGraphile in one request: an aliased list per school. */
function peerRosterQuery(plan: RosterPlan): string {
  const lists = plan.schools.map(
    (s, i) => `  s${i}: allStudentRegistrations(
    condition: { schoolCode: ${JSON.stringify(s.code)}, schoolYear: ${s.schoolYear}, status: "ENROLLED" }
    orderBy: [GRADE_ASC, CLASS_NAME_ASC, ROW_ID_ASC]
    first: ${s.take}
  ) {
    ${PEER_STUDENT_FIELDS}
  }`,
  );
  return `query PeerRoster($asOf: Date!) {\n${lists.join("\n")}\n}`;
}

type GraphqlResult = { data?: Record<string, unknown> | null; errors?: readonly { message: string }[] };

export const schoolRoster: Scenario = {
  name: "roster",
  title: "2. school administrator lists 2,000 students",
  async run(context: BenchContext) {
    const { asOf } = context.options;
    const sizes = await queryRows<{ code: string; school_year: number; students: number }>(
      context.database.db,
      sql`select r.school_code as code, r.school_year, count(*)::int as students from education.student_registrations r
           where r.status = 'ENROLLED'
             and r.school_year = (select max(m.school_year) from education.student_registrations m
                                   where m.school_code = r.school_code)
           group by 1, 2`,
    );
    const plan = planRoster(
      sizes.map((s) => ({ code: s.code, schoolYear: Number(s.school_year), students: Number(s.students) })),
      ROSTER_SIZE,
    );
    const viewer: AuthenticatedViewer = {
      subject: "bench-school-admin",
      role: "school_admin",
      scope: { schools: plan.schools.map((s) => s.code) },
    };
    const headers = await bearer(context, viewer);

    // The gateway: a client walks the pages (500 at most) of each school in turn.
    const inProcess = () =>
      gatewayRoster(plan, asOf, (variables) => context.gateway.execute(SCHOOL_ROSTER, variables, headers));
    const http = await context.gateway.listen(0);
    const overHttp = () =>
      gatewayRoster(plan, asOf, (variables) => postGraphql(http.url, SCHOOL_ROSTER, variables, headers));
    const bySql = () => sqlRoster(context, plan, asOf);
    const peer = await servePostGraphile(context.provinceUrl);
    const peerQuery = peerRosterQuery(plan);
    const byPeer = async (): Promise<RosterStudent[]> => {
      const data = dataOf("PostGraphile roster", await postGraphql(peer.url, peerQuery, { asOf }));
      return plan.schools.flatMap((_, i) => (data[`s${i}`] as { nodes: PeerNode[] }).nodes.map(fromPeer));
    };
    const byPeerPaged = () => peerRosterPaged(peer.url, plan, asOf);

    try {
      const expected = await bySql();
      if (expected.length !== plan.total)
        throw new Error(`the hand-written roster has ${expected.length} students, the plan ${plan.total}`);
      assertSameAnswer("roster: gateway (in process) vs SQL", await inProcess(), expected);
      assertSameAnswer("roster: gateway (HTTP) vs SQL", await overHttp(), expected);
      assertSameAnswer("roster: PostGraphile vs SQL", await byPeer(), expected);
      assertSameAnswer("roster: PostGraphile in pages vs SQL", await byPeerPaged(), expected);
      say(
        `roster: ${expected.length} students of ${plan.schools.length} school(s) answer the same ` +
          "through the gateway, by SQL and through PostGraphile",
      );

      const memory = startRssSampler();
      const stats = await timeInterleaved(
        { sql: bySql, gateway: inProcess, gatewayHttp: overHttp, postgraphile: byPeer, postgraphilePaged: byPeerPaged },
        { runs: context.options.runs, warmup: context.options.warmup },
      );
      recordRoster(context, plan, stats, memory.stop());
    } finally {
      await peer.close();
      await http.close();
    }
  },
};

/** The roster through the gateway, as a client pages it: each school in turn, pages of at most PAGE. */
async function gatewayRoster(
  plan: RosterPlan,
  asOf: string,
  execute: (variables: Record<string, unknown>) => Promise<GraphqlResult>,
): Promise<RosterStudent[]> {
  const students: RosterStudent[] = [];
  for (const school of plan.schools) {
    let after: string | null = null;
    let left = school.take;
    while (left > 0) {
      const data = dataOf(
        "SchoolRosterPage",
        await execute({ code: school.code, first: Math.min(PAGE, left), after, asOf }),
      );
      const page = (
        data.school as {
          students: {
            edges: { node: RosterStudent }[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        }
      ).students;
      for (const edge of page.edges) students.push(edge.node);
      left -= page.edges.length;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  }
  return students;
}

/** The roster by the hand-written statement (ROSTER_SQL), student numbers masked here. */
async function sqlRoster(context: BenchContext, plan: RosterPlan, asOf: string): Promise<RosterStudent[]> {
  const codes = plan.schools.map((s) => s.code);
  const takes = plan.schools.map((s) => s.take);
  const { rows } = await context.pool.query<{
    student_number: string;
    name: string;
    sex: string;
    birth_date: string;
    grade: number;
    class_name: string;
    child_id: string | null;
    status: string | null;
    reasons: string[] | null;
    action: string | null;
  }>(ROSTER_SQL, [codes, takes, asOf]);
  return rows.map((r) => ({
    studentNumber: maskStudentNumber(r.student_number),
    name: r.name,
    sex: r.sex,
    birthDate: r.birth_date,
    grade: r.grade,
    className: r.class_name,
    child:
      r.child_id === null
        ? null
        : {
            id: r.child_id,
            coverage: r.status === null ? null : { status: r.status, reasons: r.reasons ?? [], action: r.action },
          },
  }));
}

type PeerNode = {
  studentNumber: string;
  name: string;
  sex: string;
  birthDate: string;
  grade: number;
  className: string;
  currentLinks: {
    nodes: {
      hubChildByChildId: {
        rowId: string;
        state: string;
        coverageRows: { nodes: { status: string; reasons: string[]; action: string | null }[] };
      } | null;
    }[];
  };
};

function fromPeer(n: PeerNode): RosterStudent {
  const child = n.currentLinks.nodes[0]?.hubChildByChildId;
  const active = child && child.state === "ACTIVE" ? child : null;
  const coverage = active?.coverageRows.nodes[0];
  return {
    // PostGraphile masks nothing: the client does it here, as the hand-written side does.
    studentNumber: maskStudentNumber(n.studentNumber),
    name: n.name,
    sex: n.sex,
    birthDate: n.birthDate,
    grade: n.grade,
    className: n.className,
    child: active
      ? {
          id: String(active.rowId),
          coverage: coverage ? { status: coverage.status, reasons: coverage.reasons, action: coverage.action } : null,
        }
      : null,
  };
}

/** Like for like with the gateway: PostGraphile asked in the same pages of at most PAGE, one request each. */
async function peerRosterPaged(url: string, plan: RosterPlan, asOf: string): Promise<RosterStudent[]> {
  const students: RosterStudent[] = [];
  for (const school of plan.schools) {
    let after: string | null = null;
    let left = school.take;
    while (left > 0) {
      const data = dataOf(
        "PostGraphile roster page",
        await postGraphql(url, PEER_PAGE, {
          code: school.code,
          year: school.schoolYear,
          first: Math.min(PAGE, left),
          after,
          asOf,
        }),
      );
      const page = data.allStudentRegistrations as {
        nodes: PeerNode[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      students.push(...page.nodes.map(fromPeer));
      left -= page.nodes.length;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  }
  return students;
}

/** The table's rows: each variant against the hand-written SQL, the HTTP gateway against PostGraphile too. */
function recordRoster(
  context: BenchContext,
  plan: RosterPlan,
  stats: Record<"sql" | "gateway" | "gatewayHttp" | "postgraphile" | "postgraphilePaged", LatencyStats>,
  peak: number,
) {
  const scenario = `2 roster of ${plan.total.toLocaleString("en-US")} students (school admin)`;
  const pages = plan.schools.reduce((n, s) => n + Math.ceil(s.take / PAGE), 0);
  const check = `✓ ${plan.total} students equal`;
  const row = (variant: string, s: LatencyStats, r: number | null, against: string, answer: string) =>
    context.record({
      scenario,
      variant,
      runs: s.runs,
      median: s.median,
      p95: s.p95,
      throughput: `${(plan.total * s.throughput).toFixed(0)} students/s`,
      peakRss: peak,
      ratio: r,
      against,
      check: answer,
    });
  row("hand-written SQL (node-postgres, 1 statement)", stats.sql, 1, "baseline", "baseline");
  row(
    `gateway, in process (${pages} pages of ≤ ${PAGE})`,
    stats.gateway,
    ratio(stats.gateway.median, stats.sql.median),
    "hand-written SQL",
    check,
  );
  row(
    `gateway over loopback HTTP (${pages} pages)`,
    stats.gatewayHttp,
    ratio(stats.gatewayHttp.median, stats.postgraphile.median),
    "PostGraphile",
    check,
  );
  row(
    "PostGraphile 5 amber over loopback HTTP (1 request)",
    stats.postgraphile,
    ratio(stats.postgraphile.median, stats.sql.median),
    "hand-written SQL",
    check,
  );
  row(
    `PostGraphile 5 amber over loopback HTTP (${pages} pages, as the gateway)`,
    stats.postgraphilePaged,
    ratio(stats.postgraphilePaged.median, stats.sql.median),
    "hand-written SQL",
    check,
  );
  row(
    `gateway over loopback HTTP (${pages} pages), like for like`,
    stats.gatewayHttp,
    ratio(stats.gatewayHttp.median, stats.postgraphilePaged.median),
    "PostGraphile in pages",
    check,
  );
  const schools = plan.schools.map((s) => `${s.code} (${s.take})`).join(", ");
  context.note(
    `2: schools ${schools}; each student with name, sex, birth date, grade, class, masked student number and the ` +
      "child's coverage status, reasons and action. " +
      `The API serves at most ${PAGE} per page, so the gateway variants are ${pages} requests in turn (each one ` +
      "token check, plan, education + hub fetches, row-scope checks, one audit row); " +
      "PostGraphile answers all in one request (and, like for like, in the same pages) and does no authentication, " +
      "row scope, masking (the client masks) or audit; the SQL is one statement with the row scope as its WHERE " +
      "clause, no audit.",
  );
}
