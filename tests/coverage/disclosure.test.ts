import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows } from "../../src/db/client.ts";
import { headersFor } from "../kit/auth.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, testHardening, type TestHub } from "../kit/gateway.ts";

/*
 * The disclosure test of issue #18 (findings 11 and 21): for the analyst and every role, across
 * every groupBy, three region levels (province, prefectures, counties) and two dates, an
 * attacker written as code collects every statistic the role is given and tries to compute a
 * cell of fewer than 5 children by arithmetic on them: a total minus its other groups, a parent
 * region minus its children, a count minus its sub-counts, one date minus the other. The test
 * fails if any cell of 1–4 children (or any change of 1–4 between the dates) comes out exact.
 *
 * Everything the test expects is written here as data from DESIGN.md and the issue, not read
 * from src/: the threshold, what each role may see of the children in its rows, the groupings.
 */

/** DESIGN.md: "fewer than 5 children in a cell". */
const THRESHOLD = 5;
const DATES = ["2026-06-30", "2026-07-14"] as const;
const PROVINCE = "33";
const STATUSES = ["INSURED", "NEWBORN_IN_WINDOW", "NEWBORN_OVERDUE", "LAPSED", "UNINSURED", "DUPLICATE"] as const;
const GROUP_BYS = ["REGION", "SCHOOL", "AGE_BAND", "HUKOU_TYPE", "NEEDY_CATEGORY", "REASON"] as const;
type GroupBy = (typeof GROUP_BYS)[number];
type Dim = Exclude<GroupBy, "REGION"> | "ALL";
const AGE_BANDS = [
  ["0", 0, 0],
  ["1-2", 1, 2],
  ["3-5", 3, 5],
  ["6-11", 6, 11],
  ["12-14", 12, 14],
  ["15-17", 15, 17],
] as const;
const MEASURES = [
  "children",
  "insured",
  "newborns",
  "newbornsInsured",
  "newbornsInsuredWithinWindow",
  ...STATUSES.map((s) => `status:${s}` as const),
] as const;
type Measure = (typeof MEASURES)[number];
/**
 * Issue #19: the REASON groups — a gap (any status but INSURED, or an insured child still owed a
 * subsidy) under the reason leading it, in the policy's order; children without a gap under null.
 */
const OWED = ["NEEDY_WITHOUT_SUBSIDY", "SUBSIDY_BELOW_SETTING"];
const LEADING = [
  "DUPLICATE_ENROLLMENT",
  "NEEDY_WITHOUT_SUBSIDY",
  "SUBSIDY_BELOW_SETTING",
  "NO_ID_NUMBER",
  "ENROLLMENT_ENDED",
  "UNPAID_ENROLLMENT",
  "NOT_RENEWED",
  "NEVER_ENROLLED",
];
const reasonGroupOf = (r: { status: string; reasons: string[] }) =>
  r.status === "INSURED" && !r.reasons.some((x) => OWED.includes(x))
    ? "null"
    : (LEADING.find((x) => r.reasons.includes(x)) ?? "UNEXPLAINED");
/**
 * Issue #19: children the province cannot place (no residence, or one outside the province) are
 * the province's place-unknown group — by REGION the group with key null — for the roles whose
 * statistics reach the whole province; here a pseudo-region of the province with no children.
 */
const UNKNOWN = "unknown";

/**
 * Which groupings a role may have exact, from DESIGN.md's matrix: only where every child its
 * statistics count is inside its rows and it reads the grouping's field on them. Everything
 * else must be protected.
 *
 * - insurance_officer: rows are children resident or registered in the region (⊇ the residents
 *   its statistics count); sees identity, hukou, all insurance fields (needy status); not schools.
 * - school_admin: rows and statistics are its own students; sees birth date and school (and the
 *   residence, their school's region); not hukou, not needy status.
 * - family_doctor: rows and statistics are its patients; sees identity, hukou region; not school
 *   records, not needy status.
 * - health, education and household officers: statistics count every resident of the region,
 *   beyond their rows. The analyst sees no individual.
 */
const EXACT: Readonly<Record<string, readonly GroupBy[]>> = {
  insurance_officer: ["REGION", "AGE_BAND", "HUKOU_TYPE", "NEEDY_CATEGORY", "REASON"],
  school_admin: ["REGION", "SCHOOL", "AGE_BAND", "REASON"],
  family_doctor: ["REGION", "AGE_BAND", "HUKOU_TYPE", "REASON"],
};

interface SnapshotRow extends Record<string, unknown> {
  residence: string | null;
  school: string | null;
  doctor: string | null;
  birth_date: string;
  hukou_type: string;
  needy: string | null;
  status: string;
  reasons: string[];
  coverage_year: number;
  within_window: boolean;
}

interface Group {
  key: string | null;
  children: number | null;
  insured: number | null;
  insuredRate: number | null;
  newborns: number | null;
  newbornsInsured: number | null;
  newbornsInsuredWithinWindow: number | null;
  statusCounts: { status: string; count: number | null }[];
}
interface Summary {
  asOf: string;
  total: Group;
  groups: Group[];
}
const GROUP_FIELDS = `key children insured insuredRate newborns newbornsInsured newbornsInsuredWithinWindow
  statusCounts { status count }`;

const ageBandOf = (birth: string, asOf: string) => {
  const [by, bm, bd] = birth.split("-").map(Number) as [number, number, number];
  const [ay, am, ad] = asOf.split("-").map(Number) as [number, number, number];
  const age = ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
  return AGE_BANDS.find(([, min, max]) => age >= min && age <= max)![0];
};

/** The figures of one group as measure → value (null: not published). */
function measuresOf(g: Group): Map<Measure, number | null> {
  const m = new Map<Measure, number | null>([
    ["children", g.children],
    ["insured", g.insured],
    ["newborns", g.newborns],
    ["newbornsInsured", g.newbornsInsured],
    ["newbornsInsuredWithinWindow", g.newbornsInsuredWithinWindow],
  ]);
  for (const s of STATUSES) m.set(`status:${s}`, g.statusCounts.find((c) => c.status === s)?.count ?? null);
  return m;
}

const cellId = (date: string, prefix: string, dim: Dim, key: string, measure: Measure) =>
  `${date}|${prefix}|${dim}|${key}|${measure}`;

/**
 * The attacker: what it knows of every cell is an interval, which it narrows by the sums the
 * statistics must satisfy until nothing moves (interval propagation: every subtraction of the
 * issue's list, chained).
 */
class Attacker {
  readonly lo = new Map<string, number>();
  readonly hi = new Map<string, number>();
  private readonly sums: { total: string; parts: string[] }[] = [];
  private readonly atMost: [string, string][] = [];

  know(cell: string, lo: number, hi: number) {
    this.lo.set(cell, Math.max(this.lo.get(cell) ?? 0, lo));
    this.hi.set(cell, Math.min(this.hi.get(cell) ?? Infinity, hi));
  }
  /** Every cell a sum names. */
  cells(): Set<string> {
    return new Set(this.sums.flatMap((s) => [s.total, ...s.parts]));
  }
  sum(total: string, parts: string[]) {
    this.sums.push({ total, parts });
  }
  lessOrEqual(a: string, b: string) {
    this.atMost.push([a, b]);
  }
  private narrow(cell: string, lo: number, hi: number): boolean {
    const oldLo = this.lo.get(cell) ?? 0;
    const oldHi = this.hi.get(cell) ?? Infinity;
    const newLo = Math.max(oldLo, lo);
    const newHi = Math.min(oldHi, hi);
    this.lo.set(cell, newLo);
    this.hi.set(cell, newHi);
    return newLo !== oldLo || newHi !== oldHi;
  }
  /** Propagates every sum and inequality until a fixpoint. */
  solve() {
    const L = (c: string) => this.lo.get(c) ?? 0;
    const H = (c: string) => this.hi.get(c) ?? Infinity;
    for (let pass = 0; pass < 200; pass++) {
      let changed = false;
      for (const { total, parts } of this.sums) {
        const sumLo = parts.reduce((a, p) => a + L(p), 0);
        // Upper bounds may be unknown (infinite): count those apart, so "all the others" stays exact.
        let finiteHi = 0;
        let unbounded = 0;
        for (const p of parts) {
          if (Number.isFinite(H(p))) finiteHi += H(p);
          else unbounded += 1;
        }
        changed = this.narrow(total, sumLo, unbounded > 0 ? Infinity : finiteHi) || changed;
        for (const p of parts) {
          const ownUnbounded = Number.isFinite(H(p)) ? 0 : 1;
          const othersHi = unbounded - ownUnbounded > 0 ? Infinity : finiteHi - (ownUnbounded ? 0 : H(p));
          const othersLo = sumLo - L(p);
          const lo = Number.isFinite(othersHi) ? L(total) - othersHi : 0;
          changed = this.narrow(p, lo, H(total) - othersLo) || changed;
        }
      }
      for (const [a, b] of this.atMost) {
        changed = this.narrow(a, 0, H(b)) || changed;
        changed = this.narrow(b, L(a), Infinity) || changed;
      }
      if (!changed) return;
    }
  }
}

describe.each(ENGINES)("statistics disclose no cell below 5, on %s", (engine) => {
  let hub: TestHub;
  let rows: Map<string, SnapshotRow[]>;
  /** Every county with resident children, by prefecture; the prefixes asked: province, prefectures, counties. */
  let counties: string[];
  let prefectures: string[];
  let asked: string[];
  let schoolsByRegion: { code: string; region: string }[];
  let adminSchools: string[];
  let busiestDoctor: string;

  beforeAll(async () => {
    hub = await startTestHub(
      engine,
      { children: 1_500, seed: 44, asOf: DATES[0] },
      {
        hardening: testHardening({
          HUB_MAX_ALIASES: "200",
          HUB_MAX_ROOT_FIELDS: "200",
          HUB_MAX_TOKENS: "1000000",
          HUB_MAX_QUERY_BYTES: "1000000",
          HUB_MAX_COST: "1000000000",
          HUB_RATE_OPERATIONS_PER_MINUTE: "0",
          HUB_RATE_CHILD_RECORDS_PER_MINUTE: "0",
        }),
      },
    );
    // The daily job of both dates (the harness builds the first already: rebuilding it changes nothing).
    for (const date of DATES) await buildSnapshot(hub.database.db, date);
    rows = new Map();
    for (const date of DATES) {
      rows.set(
        date,
        await queryRows<SnapshotRow>(
          hub.database.db,
          sql`select trim(residence_region_code) as residence, school_code as school, doctor_code as doctor,
                birth_date::text, hukou_type, needy_category as needy, status, reasons, coverage_year,
                insured_within_window as within_window
              from hub.coverage_status where as_of = ${date}`,
        ),
      );
    }
    const all = DATES.flatMap((d) => rows.get(d)!);
    counties = [...new Set(all.map((r) => r.residence).filter((c): c is string => c?.startsWith(PROVINCE) ?? false))];
    counties.sort();
    prefectures = [...new Set(counties.map((c) => c.slice(0, 4)))].sort();
    // Every prefecture, and every county of three of them (the largest, a middle one, the smallest): each
    // parent asked with all its children.
    const size = (p: string) => all.filter((r) => r.residence?.startsWith(p)).length;
    const bySize = [...prefectures].sort((a, b) => size(b) - size(a));
    const drilled = [bySize[0]!, bySize[Math.floor(bySize.length / 2)]!, bySize[bySize.length - 1]!];
    asked = [PROVINCE, ...prefectures, ...counties.filter((c) => drilled.includes(c.slice(0, 4)) && !c.endsWith("00"))];
    schoolsByRegion = (
      await queryRows<{ code: string; region: string }>(
        hub.database.db,
        sql`select school_code as code, trim(region_code) as region from education.schools`,
      )
    ).sort((a, b) => (a.code < b.code ? -1 : 1));
    const students = (s: string) => all.filter((r) => r.school === s).length;
    const schoolCodes = schoolsByRegion
      .map((s) => s.code)
      .filter((s) => students(s) > 0)
      .sort((a, b) => students(b) - students(a));
    // The two largest schools and the smallest: an administrator may hold several.
    adminSchools = [schoolCodes[0]!, schoolCodes[1]!, schoolCodes[schoolCodes.length - 1]!];
    const patients = new Map<string, number>();
    for (const r of all) if (r.doctor) patients.set(r.doctor, (patients.get(r.doctor) ?? 0) + 1);
    busiestDoctor = [...patients].sort((a, b) => b[1] - a[1])[0]![0];
  }, 300_000);
  afterAll(async () => hub?.close());

  const viewers = (): Record<string, AuthenticatedViewer> => ({
    analyst: { subject: "analyst-33", role: "analyst", scope: { region: PROVINCE } },
    insurance_officer: { subject: "ins-33", role: "insurance_officer", scope: { region: PROVINCE } },
    health_officer: { subject: "hea-33", role: "health_officer", scope: { region: PROVINCE } },
    education_officer: { subject: "edu-33", role: "education_officer", scope: { region: PROVINCE } },
    household_officer: { subject: "hou-33", role: "household_officer", scope: { region: PROVINCE } },
    school_admin: { subject: "teacher", role: "school_admin", scope: { schools: adminSchools } },
    family_doctor: { subject: "dr", role: "family_doctor", scope: { doctor: busiestDoctor } },
  });

  /**
   * The children a role's statistics count, from DESIGN: region residents (and, for the whole
   * province, the children it cannot place), its students, its patients.
   */
  const inScope = (viewer: AuthenticatedViewer, r: SnapshotRow) =>
    viewer.role === "school_admin"
      ? r.school !== null && viewer.scope.schools!.includes(r.school)
      : viewer.role === "family_doctor"
        ? r.doctor === viewer.scope.doctor
        : placeOf(r) === UNKNOWN
          ? viewer.scope.region === PROVINCE
          : placeOf(r).startsWith(viewer.scope.region!);
  /** A child's county, or UNKNOWN when the province cannot place it. */
  const placeOf = (r: SnapshotRow) => (r.residence?.startsWith(PROVINCE) ? r.residence : UNKNOWN);
  /** Region-scoped roles get the place-unknown group protected, whatever the grouping (README, "Coverage"). */
  const unknownProtected = (viewer: AuthenticatedViewer) => viewer.scope.region !== undefined;

  /**
   * The true value of every cell the role's statistics could publish, per date, and the atoms each
   * adds up (its children's county × class: status, born in the coverage year, insured within the window).
   */
  function truthOf(viewer: AuthenticatedViewer): Map<string, number> & { atoms: Map<string, Set<string>> } {
    const truth = Object.assign(new Map<string, number>(), { atoms: new Map<string, Set<string>>() });
    for (const date of DATES) {
      for (const r of rows.get(date)!) {
        if (!inScope(viewer, r)) continue;
        const place = placeOf(r);
        const insured = r.status === "INSURED" || r.status === "DUPLICATE";
        const newborn = Number(r.birth_date.slice(0, 4)) === r.coverage_year;
        const measures: Measure[] = ["children", `status:${r.status as (typeof STATUSES)[number]}`];
        if (insured) measures.push("insured");
        if (newborn) measures.push("newborns");
        if (newborn && insured) measures.push("newbornsInsured");
        if (r.within_window) measures.push("newbornsInsuredWithinWindow");
        const cells: [Dim, string][] = [
          ["ALL", ""],
          ["SCHOOL", r.school ?? "null"],
          ["AGE_BAND", ageBandOf(r.birth_date, date)],
          ["HUKOU_TYPE", r.hukou_type],
          ["NEEDY_CATEGORY", r.needy ?? "null"],
          ["REASON", reasonGroupOf(r)],
        ];
        const atom = `${place}|${r.status}|${newborn}|${r.within_window}`;
        for (const prefix of place === UNKNOWN ? [PROVINCE, UNKNOWN] : [PROVINCE, place.slice(0, 4), place])
          for (const [dim, key] of cells)
            for (const m of measures) {
              const id = cellId(date, prefix, dim, key, m);
              truth.set(id, (truth.get(id) ?? 0) + 1);
              if (!truth.atoms.has(id)) truth.atoms.set(id, new Set());
              truth.atoms.get(id)!.add(atom);
            }
      }
    }
    return truth;
  }

  /** Every coverageSummary the role may ask: each date, grouping and region asked, one operation per grouping. */
  async function collect(viewer: AuthenticatedViewer): Promise<Map<string, Summary>> {
    const answers = new Map<string, Summary>();
    const headers = await headersFor(viewer);
    for (const date of DATES)
      for (const groupBy of GROUP_BYS) {
        const query = `{ ${asked
          .map(
            (p, i) => `r${i}: coverageSummary(region: "${p}", groupBy: ${groupBy}, asOf: "${date}") {
              asOf total { ${GROUP_FIELDS} } groups { ${GROUP_FIELDS} } }`,
          )
          .join("\n")} }`;
        const result = await hub.gateway.execute(query, {}, headers);
        expect(result.errors, `${viewer.role} ${groupBy} ${date}`).toBeUndefined();
        asked.forEach((p, i) => answers.set(`${date}|${p}|${groupBy}`, result.data![`r${i}`] as Summary));
      }
    return answers;
  }

  /** Child prefixes one level down (REGION's groups), and the keys a grouping can have under a prefix. */
  const childPrefixes = (prefix: string) =>
    prefix.length === 2 ? [...prefectures, UNKNOWN] : counties.filter((c) => c.startsWith(prefix) && c !== prefix);
  function keysOf(viewer: AuthenticatedViewer, prefix: string, dim: Exclude<Dim, "ALL">): string[] {
    switch (dim) {
      case "AGE_BAND":
        return AGE_BANDS.map(([label]) => label);
      case "HUKOU_TYPE":
        return ["LOCAL", "NON_LOCAL", "UNKNOWN"];
      case "NEEDY_CATEGORY":
        return ["EXTREMELY_POOR", "MIN_LIVING", "ORPHAN", "DISABLED", "null"];
      case "REASON":
        return [...LEADING, "UNEXPLAINED", "null"];
      case "SCHOOL":
        // Public: the schools and where they are; a student lives where the school is (DESIGN's residence rule).
        return viewer.role === "school_admin"
          ? viewer.scope.schools!.filter((s) => schoolsByRegion.find((x) => x.code === s)!.region.startsWith(prefix))
          : [...schoolsByRegion.filter((s) => s.region.startsWith(prefix)).map((s) => s.code), "null"];
    }
  }

  interface Finding {
    cell: string;
    truth: number;
    computed: number;
  }

  /**
   * Runs the attack on one role's answers: every protected cell (and its change between the dates)
   * is a target. Returns every cell of 1–4 children the attacker computes exactly from all the
   * answers but could not from the role's exact answers alone (what the role may know anyway).
   */
  function attack(viewer: AuthenticatedViewer, answers: Map<string, Summary>): { found: Finding[]; targets: number } {
    const truth = truthOf(viewer);
    const protectedCells = new Set<string>();
    const exactCells = new Set<string>();
    const entitled = solve(viewer, answers, truth, false, protectedCells, exactCells);
    const attacker = solve(viewer, answers, truth, true, protectedCells, exactCells);
    const pinned = (a: Attacker, cell: string) => a.lo.get(cell) === a.hi.get(cell);

    const found: Finding[] = [];
    const targets = [...protectedCells].filter((cell) => !exactCells.has(cell));
    for (const cell of targets) {
      const t = truth.get(cell) ?? 0;
      const lo = attacker.lo.get(cell) ?? 0;
      const hi = attacker.hi.get(cell) ?? Infinity;
      // The attacker's knowledge must hold the truth, or the test itself is wrong.
      expect(lo <= t && t <= hi, `${cell}: ${t} outside [${lo}, ${hi}]`).toBe(true);
      if (t > 0 && t < THRESHOLD && lo === hi && !pinned(entitled, cell)) found.push({ cell, truth: t, computed: lo });
    }
    // One date minus the other, for the same cell.
    const range = (a: Attacker, cell: string, other: string) => [
      (a.lo.get(other) ?? 0) - (a.hi.get(cell) ?? Infinity),
      (a.hi.get(other) ?? Infinity) - (a.lo.get(cell) ?? 0),
    ];
    for (const cell of targets.filter((c) => c.startsWith(DATES[0]))) {
      const other = DATES[1] + cell.slice(DATES[0].length);
      if (!protectedCells.has(other) || exactCells.has(other)) continue;
      const change = (truth.get(other) ?? 0) - (truth.get(cell) ?? 0);
      const [lo, hi] = range(attacker, cell, other);
      const [knownLo, knownHi] = range(entitled, cell, other);
      if (change !== 0 && Math.abs(change) < THRESHOLD && lo === hi && knownLo !== knownHi)
        found.push({ cell: `${other} − ${DATES[0]}`, truth: change, computed: lo! });
    }
    return { found, targets: targets.length };
  }

  /**
   * The attacker's knowledge from a role's answers (only the exact ones, or all), narrowed by every
   * sum the statistics must satisfy.
   */
  function solve(
    viewer: AuthenticatedViewer,
    answers: Map<string, Summary>,
    truth: ReturnType<typeof truthOf>,
    withProtected: boolean,
    protectedCells: Set<string>,
    exactCells: Set<string>,
  ): Attacker {
    const exact = new Set(EXACT[viewer.role] ?? []);
    const attacker = new Attacker();
    // "mixed": an exact role's figure of the whole province, exact but for its place-unknown part (rounded).
    type Mode = "exact" | "protected" | "mixed";
    const publish = (cell: string, value: number | null, mode: Mode, slack: number) => {
      if (value === null) return;
      if (mode === "exact") {
        exactCells.add(cell);
        attacker.know(cell, value, value);
      } else {
        protectedCells.add(cell);
        if (!withProtected) return;
        // A figure that is not a multiple of 5 was not rounded: the attacker takes it as it is.
        const error = mode === "mixed" || value % THRESHOLD === 0 ? slack : 0;
        attacker.know(cell, Math.max(0, value - error), value + error);
      }
    };
    // How far a rounded figure may lie from the truth (the README's bound), told to the attacker with more than
    // any outsider knows: which atoms are not empty. A county's children are within 2, any other figure within 4
    // per atom it adds up.
    const slackOf = (cell: string, dim: Dim, m: Measure, onlyUnknown = false) => {
      const atoms = [...(truth.atoms.get(cell) ?? [])].filter((a) => !onlyUnknown || a.startsWith(`${UNKNOWN}|`));
      return dim === "ALL" && m === "children" ? 2 * new Set(atoms.map((a) => a.split("|")[0])).size : 4 * atoms.length;
    };
    const modeOf = (isExact: boolean, region: string): Mode => {
      if (!isExact) return "protected";
      if (!unknownProtected(viewer)) return "exact";
      return region === UNKNOWN ? "protected" : region === PROVINCE ? "mixed" : "exact";
    };
    const publishCell = (
      cell: string,
      region: string,
      dim: Dim,
      m: Measure,
      value: number | null,
      isExact: boolean,
    ) => {
      const mode = modeOf(isExact, region);
      publish(cell, value, mode, slackOf(cell, dim, m, mode === "mixed"));
    };
    for (const [id, summary] of answers) {
      const [date, prefix, groupBy] = id.split("|") as [string, string, GroupBy];
      const isExact = exact.has(groupBy);
      for (const [m, v] of measuresOf(summary.total))
        publishCell(cellId(date, prefix, "ALL", "", m), prefix, "ALL", m, v, isExact);
      if (groupBy === "REGION") {
        for (const child of prefix.length === 6 ? [prefix] : childPrefixes(prefix)) {
          const key = child === UNKNOWN ? null : prefix.length === 2 ? `${child}00` : child;
          const g = summary.groups.find((x) => x.key === key);
          for (const m of MEASURES)
            publishCell(cellId(date, child, "ALL", "", m), child, "ALL", m, g ? measuresOf(g).get(m)! : 0, isExact);
        }
      } else {
        for (const key of keysOf(viewer, prefix, groupBy)) {
          const g = summary.groups.find((x) => (x.key ?? "null") === key);
          for (const m of MEASURES)
            publishCell(
              cellId(date, prefix, groupBy, key, m),
              prefix,
              groupBy,
              m,
              g ? measuresOf(g).get(m)! : 0,
              isExact,
            );
        }
      }
    }
    // What the statistics must satisfy, whoever publishes them.
    const prefixes = [PROVINCE, ...prefectures, ...counties, UNKNOWN];
    for (const date of DATES)
      for (const prefix of prefixes) {
        const dims: [Dim, string[]][] = [
          ["ALL", [""]],
          ...(["SCHOOL", "AGE_BAND", "HUKOU_TYPE", "NEEDY_CATEGORY", "REASON"] as const).map(
            (d) => [d, keysOf(viewer, prefix, d)] as [Dim, string[]],
          ),
        ];
        for (const [dim, keys] of dims) {
          for (const m of MEASURES) {
            // A total is the sum of its groups (every grouping), and a parent region the sum of its children.
            if (dim !== "ALL")
              attacker.sum(
                cellId(date, prefix, "ALL", "", m),
                keys.map((k) => cellId(date, prefix, dim, k, m)),
              );
            const children =
              prefix.length === 6
                ? []
                : prefix.length === 2
                  ? [...prefectures, UNKNOWN]
                  : counties.filter((c) => c.startsWith(prefix));
            if (children.length > 0)
              for (const k of keys)
                attacker.sum(
                  cellId(date, prefix, dim, k, m),
                  children
                    .filter((c) => dim !== "SCHOOL" || k === "null" || keysOf(viewer, c, "SCHOOL").includes(k))
                    .map((c) => cellId(date, c, dim, k, m)),
                );
          }
          // A count is the sum of its sub-counts.
          for (const k of keys) {
            const c = (m: Measure) => cellId(date, prefix, dim, k, m);
            attacker.sum(
              c("children"),
              STATUSES.map((s) => c(`status:${s}`)),
            );
            attacker.sum(c("insured"), [c("status:INSURED"), c("status:DUPLICATE")]);
            attacker.lessOrEqual(c("newbornsInsured"), c("newborns"));
            attacker.lessOrEqual(c("newbornsInsured"), c("insured"));
            attacker.lessOrEqual(c("newbornsInsuredWithinWindow"), c("newbornsInsured"));
          }
        }
      }
    // More than any outsider knows, in both runs: which cells are empty.
    for (const cell of attacker.cells()) if (!truth.atoms.has(cell)) attacker.know(cell, 0, 0);
    attacker.solve();
    return attacker;
  }

  /** Protected answers as published: counts are multiples of 5, groups add up to the total, rates from the counts. */
  function expectRoundedAndAdditive(viewer: AuthenticatedViewer, answers: Map<string, Summary>) {
    const exact = new Set(EXACT[viewer.role] ?? []);
    for (const [id, summary] of answers) {
      const groupBy = id.split("|")[2] as GroupBy;
      if (exact.has(groupBy)) continue;
      for (const g of [summary.total, ...summary.groups]) {
        for (const [m, v] of measuresOf(g)) {
          expect(v, `${id} ${g.key} ${m}`).not.toBeNull();
          expect(v! % THRESHOLD, `${id} ${g.key} ${m}`).toBe(0);
        }
        expect(g.insuredRate).toBe(g.children ? Math.round((g.insured! / g.children) * 10_000) / 10_000 : null);
      }
      for (const m of MEASURES)
        expect(
          summary.groups.reduce((a, g) => a + measuresOf(g).get(m)!, 0),
          `${id} ${m}`,
        ).toBe(measuresOf(summary.total).get(m));
    }
  }

  it(
    "#18.11 no cell below 5 can be computed from the analyst's statistics: totals minus groups, parents " +
      "minus children, counts minus sub-counts, one date minus another",
    async () => {
      const analyst = viewers().analyst!;
      const answers = await collect(analyst);
      const { found, targets } = attack(analyst, answers);
      expect(targets).toBeGreaterThan(1_000);
      expect(found.slice(0, 20)).toEqual([]);
      expectRoundedAndAdditive(analyst, answers);
      // A school's own figures are the same cell as its group by SCHOOL: one rounding, not a second look at it.
      const bySchool = answers.get(`${DATES[0]}|${PROVINCE}|SCHOOL`)!.groups.filter((g) => g.key !== null);
      const sample = [...bySchool.slice(0, 5), bySchool[bySchool.length - 1]!];
      const schools = await hub.gateway.execute(
        `{ ${sample
          .map((g, i) => `s${i}: school(code: "${g.key}") { coverage(asOf: "${DATES[0]}") { children insured } }`)
          .join(" ")} }`,
        {},
        await headersFor(analyst),
      );
      expect(schools.errors).toBeUndefined();
      expect(sample.map((_, i) => (schools.data![`s${i}`] as { coverage: unknown }).coverage)).toEqual(
        sample.map((g) => ({ children: g.children, insured: g.insured })),
      );
    },
    300_000,
  );

  it(
    "#18.21 a school administrator gets no exact small cell on a dimension hidden from it: " +
      "coverageSummary(region: 33, groupBy: NEEDY_CATEGORY) shows no group of 1–4",
    async () => {
      const admin = viewers().school_admin!;
      const truth = truthOf(admin);
      const needy = [...truth].filter(
        ([cell, n]) =>
          cell.startsWith(`${DATES[0]}|${PROVINCE}|NEEDY_CATEGORY|`) && cell.endsWith("|children") && n < 5,
      );
      // The seed gives these schools a needy category of fewer than 5 students, as the reviewer's DISABLED 1.
      expect(needy.length).toBeGreaterThan(0);
      const result = await hub.gateway.execute(
        `{ coverageSummary(region: "${PROVINCE}", groupBy: NEEDY_CATEGORY, asOf: "${DATES[0]}") {
            total { children } groups { key children insured statusCounts { count } } } }`,
        {},
        await headersFor(admin),
      );
      expect(result.errors).toBeUndefined();
      const groups = (result.data!.coverageSummary as { groups: Group[] }).groups;
      for (const g of groups) {
        expect(g.children! % THRESHOLD, String(g.key)).toBe(0);
        expect(g.insured! % THRESHOLD, String(g.key)).toBe(0);
        for (const c of g.statusCounts) expect(c.count! % THRESHOLD).toBe(0);
      }
    },
  );

  it.each([
    "insurance_officer",
    "health_officer",
    "education_officer",
    "household_officer",
    "school_admin",
    "family_doctor",
  ])(
    "disclosure: a %s's statistics across every groupBy, region level and two dates let no cell below 5 be computed",
    async (role) => {
      const viewer = viewers()[role]!;
      const answers = await collect(viewer);
      const { found, targets } = attack(viewer, answers);
      expect(targets).toBeGreaterThan(0);
      expect(found.slice(0, 20)).toEqual([]);
      expectRoundedAndAdditive(viewer, answers);
      // What the role gets exact is what it could count itself: the truth of its own scope.
      const truth = truthOf(viewer);
      for (const [id, summary] of answers) {
        const [date, prefix, groupBy] = id.split("|") as [string, string, GroupBy];
        if (!(EXACT[role] ?? []).includes(groupBy)) continue;
        const want = truth.get(cellId(date, prefix, "ALL", "", "children")) ?? 0;
        // The whole province's total holds the place-unknown group, rounded for a region's office (within 2).
        if (prefix === PROVINCE && unknownProtected(viewer))
          expect(Math.abs(summary.total.children! - want), id).toBeLessThanOrEqual(2);
        else expect(summary.total.children, id).toBe(want);
      }
    },
    300_000,
  );

  it("gives the roles without statistics none", async () => {
    for (const viewer of [
      { subject: "aud", role: "auditor", scope: {} },
      { subject: "sys", role: "department_system", scope: { department: "insurance", region: PROVINCE } },
    ] as AuthenticatedViewer[]) {
      const result = await hub.gateway.execute(
        `{ coverageSummary(region: "${PROVINCE}", groupBy: REGION, asOf: "${DATES[0]}") { total { children } } }`,
        {},
        await headersFor(viewer),
      );
      expect(
        result.errors?.map((e) => e.extensions?.code),
        viewer.role,
      ).toContain("FORBIDDEN");
      expect(result.data?.coverageSummary ?? null).toBeNull();
    }
  });
});
