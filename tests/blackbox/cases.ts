import type { BuiltChild } from "../kit/builders.ts";
import type { Column } from "./matrix.ts";
import {
  AS_OF,
  COVERAGE_YEAR,
  inRows,
  REGION_EMPTY,
  REGION_FOREIGN,
  REGION_IN,
  REGION_OUT,
  type ChildName,
  type Province,
} from "./province.ts";
import type { Literal } from "./walk.ts";

/**
 * What the black-box suite asks each root and entity, per role: the case inside the role's rows,
 * every case outside them, and one that does not exist. The walk (walk.ts) supplies the selection.
 */

/** Arguments of nested fields the walk cannot guess ("Type.field" → argument → value). */
export const FIELD_ARGS: Readonly<Record<string, Readonly<Record<string, Literal>>>> = {
  "Child.coverage": { asOf: AS_OF },
  "ChildInsurance.insuredFor": { coverageYear: COVERAGE_YEAR },
  "CoordinationArea.enrollments": { coverageYear: COVERAGE_YEAR },
  "CoordinationArea.enrolledCount": { coverageYear: COVERAGE_YEAR },
  "School.coverage": { asOf: AS_OF },
};

export type CaseKind = "in" | "out" | "missing";
export interface Case {
  kind: CaseKind;
  /** What it is, for messages: a child's name in the province, a region, a code. */
  label: string;
  args: Record<string, Literal>;
}

/**
 * How an out-of-scope case must compare with the non-existent one:
 * - `whole`: the same answer, data and errors alike (a child, a household, a record);
 * - `list`: a list of a region outside the rows answers as the list of a region with nothing in it,
 *   data and errors alike — unless it lists children inside the rows (a child resident in the
 *   viewer's region may be known to another region's departments too: its hukou, its birth
 *   place), which it may; then the errors must still be the same (every child it lists is
 *   checked against the rows on its own);
 * - `containers`: a register's entry (a school, a doctor, a site, an area) is shown whoever asks,
 *   but what it contains of children (its students, patients, children, enrollments) must read
 *   exactly as an empty one's outside the rows;
 * - `none`: nothing to compare (statistics, the audit log).
 */
export type Compare = "whole" | "list" | "containers" | "none";

export interface RootSpec {
  compare: Compare;
  cases(p: Province, column: Column): Case[];
  /**
   * The region a case filters children by, for a list whose region is where the children are
   * placed: a child it lists there must be one the role may see placed there (province.ts,
   * `visiblePlaces`) — a filter must not tell what the fields it filters on would not.
   */
  filtersBy?(args: Record<string, Literal>): string | undefined;
  /**
   * Children the in-scope case holds: each one inside the role's rows must be in the answer
   * wherever the role may read a path down to `Child.id`.
   */
  present?: readonly ChildName[];
}

/** One case per child that has the key (inside or outside the column's rows), and one nobody has. */
function byChild(
  argument: string,
  keyOf: (child: BuiltChild) => Literal | null,
  missing: (p: Province) => Literal,
  where: (p: Province, name: ChildName) => boolean = () => true,
): (p: Province, column: Column) => Case[] {
  return (p, column) => {
    const cases: Case[] = [];
    for (const [name, child] of Object.entries(p.children) as [ChildName, BuiltChild][]) {
      const key = keyOf(child);
      if (key === null || !where(p, name)) continue;
      const kind = inRows(column, p.viewers[column], p.places[name]) ? "in" : "out";
      cases.push({ kind, label: name, args: { [argument]: key } });
    }
    cases.push({ kind: "missing", label: "missing", args: { [argument]: missing(p) } });
    return cases;
  };
}

function byRegion(more: Record<string, Literal> = {}, argument = "region"): (p: Province) => Case[] {
  more = { first: LIST_PAGE, ...more };
  return () => [
    { kind: "in", label: REGION_IN, args: { ...more, [argument]: REGION_IN } },
    { kind: "out", label: REGION_OUT, args: { ...more, [argument]: REGION_OUT } },
    { kind: "out", label: REGION_FOREIGN, args: { ...more, [argument]: REGION_FOREIGN } },
    { kind: "missing", label: REGION_EMPTY, args: { ...more, [argument]: REGION_EMPTY } },
  ];
}

/** A register's entry in the rows' region, one outside it that holds children, one outside that holds none. */
function byContainer(kind: "school" | "site" | "doctor" | "area"): (p: Province) => Case[] {
  return (p) => [
    { kind: "in", label: `${kind} ${p[kind].home}`, args: { code: p[kind].home } },
    { kind: "out", label: `${kind} ${p[kind].away}`, args: { code: p[kind].away } },
    { kind: "missing", label: `empty ${kind} ${p[kind].empty}`, args: { code: p[kind].empty } },
  ];
}

/** Rows of a root list: every child a region holds in this province fits on one page. */
const LIST_PAGE = 20;

const studentNumberOf = (child: BuiltChild) => child.registrations[0]?.studentNumber ?? null;

/** Every root field of the graph: a root without a spec here fails the suite, naming it. */
export const ROOTS: Readonly<Record<string, RootSpec>> = {
  "Query.child": {
    compare: "whole",
    cases: byChild(
      "id",
      (c) => String(c.id),
      (p) => p.missing.childId,
    ),
  },
  "Query.childByIdNumber": {
    compare: "whole",
    cases: byChild(
      "idNumber",
      (c) => c.idNumber,
      (p) => p.missing.idNumber,
    ),
  },
  "Query.childByBirthCertificateNumber": {
    compare: "whole",
    cases: byChild(
      "certificateNumber",
      (c) => c.birthCertificateNumber,
      (p) => p.missing.certificateNumber,
    ),
  },
  "Query.childByStudentNumber": {
    compare: "whole",
    cases: byChild("studentNumber", studentNumberOf, (p) => p.missing.studentNumber),
  },
  "Query.studentRegistration": {
    compare: "whole",
    cases: byChild("studentNumber", studentNumberOf, (p) => p.missing.studentNumber),
  },
  "Query.enrollmentsByIdNumber": {
    compare: "whole",
    cases: byChild(
      "idNumber",
      (c) => c.idNumber,
      (p) => p.missing.idNumber,
    ),
  },
  "Query.household": {
    compare: "whole",
    cases: (p, column) => [
      {
        kind: p.viewers[column].scope.region && p.viewers[column].scope.region === REGION_IN ? "in" : "out",
        label: `household ${p.household.home}`,
        args: { householdNumber: p.household.home },
      },
      { kind: "out", label: `household ${p.household.away}`, args: { householdNumber: p.household.away } },
      { kind: "missing", label: "missing", args: { householdNumber: p.missing.householdNumber } },
    ],
  },
  "Query.childrenInRegion": {
    compare: "list",
    cases: byRegion(),
    filtersBy: (args) => args.region as string,
    present: ["full", "newborn"],
  },
  "Query.coverageGaps": {
    compare: "list",
    cases: () =>
      [REGION_IN, REGION_OUT, REGION_FOREIGN, REGION_EMPTY].map((region, i) => ({
        kind: (["in", "out", "out", "missing"] as const)[i]!,
        label: region,
        args: { first: LIST_PAGE, asOf: AS_OF, filter: { region } },
      })),
    filtersBy: (args) => (args.filter as { region: string }).region,
    present: ["full", "newborn"],
  },
  "Query.newbornWatchlist": {
    compare: "list",
    cases: byRegion({ asOf: AS_OF, withinDays: 90 }),
    filtersBy: (args) => args.region as string,
    present: ["newborn"],
  },
  "Query.linkReviews": { compare: "list", cases: byRegion(), present: ["full"] },
  "Query.coverageSummary": {
    compare: "none",
    cases: () => [{ kind: "in", label: REGION_IN, args: { asOf: AS_OF, groupBy: { enum: "REGION" }, region: "33" } }],
  },
  "Query.accessLog": {
    compare: "none",
    cases: (p) => [{ kind: "in", label: "full", args: { childId: String(p.children.full.id) } }],
  },
  // The access log of one child, within the auditor's period (#19): nothing to compare but the decision.
  "Query.whoLookedAt": {
    compare: "none",
    cases: (p) => [{ kind: "in", label: "full", args: { childId: String(p.children.full.id), first: LIST_PAGE } }],
  },
  // Placed, as link reviews are, by the region of the record the entry is about.
  "Query.unresolvedChildren": {
    compare: "list",
    cases: (p) => [...byRegion()(p), ...byRegion({ status: { enum: "NEW_CHILD" } })(p)],
  },
  // The province's settings: the same for every region, nothing of a child in them.
  "Query.policySettings": { compare: "none", cases: () => [{ kind: "in", label: "province", args: { on: AS_OF } }] },
  "Query.policySettingHistory": { compare: "none", cases: () => [{ kind: "in", label: "province", args: {} }] },
  "Query.policySettingChanges": { compare: "none", cases: () => [{ kind: "in", label: "province", args: {} }] },
  "Query.school": { compare: "containers", cases: byContainer("school"), present: ["full"] },
  "Query.schools": { compare: "containers", cases: byRegion(), present: ["full"] },
  "Query.familyDoctor": { compare: "containers", cases: byContainer("doctor"), present: ["full"] },
  "Query.familyDoctors": { compare: "containers", cases: byRegion(), present: ["full"] },
  "Query.vaccinationSite": { compare: "containers", cases: byContainer("site"), present: ["full"] },
  "Query.vaccinationSites": { compare: "containers", cases: byRegion(), present: ["full"] },
  "Query.coordinationArea": { compare: "containers", cases: byContainer("area") },
  "Query.coordinationAreas": {
    compare: "containers",
    cases: () => [{ kind: "in", label: "every area", args: { first: LIST_PAGE } }],
  },
};

/** Every entity a subgraph resolves through `_entities`: each case's arguments are the representation's key. */
export const ENTITIES: Readonly<Record<string, RootSpec>> = {
  // As child(id:) and household(householdNumber:): the same keys, the same rows.
  Child: ROOTS["Query.child"]!,
  Household: ROOTS["Query.household"]!,
  School: { compare: "containers", cases: byContainer("school"), present: ["full"] },
  FamilyDoctor: { compare: "containers", cases: byContainer("doctor"), present: ["full"] },
  VaccinationSite: { compare: "containers", cases: byContainer("site"), present: ["full"] },
  CoordinationArea: { compare: "containers", cases: byContainer("area") },
};

/** Register entries outside every viewer's rows, by their code: what `containers` compares. */
export function outsideContainers(p: Province): Set<string> {
  return new Set([
    ...[p.school.away, p.school.empty, p.site.away, p.site.empty],
    ...[p.doctor.away, p.doctor.empty, p.area.away, p.area.empty],
  ]);
}
