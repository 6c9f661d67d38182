import { useEffect, useId, useMemo, useState } from "react";
import { runOperation } from "../api.ts";
import { AsyncStatus } from "../components/AsyncStatus.tsx";
import { downloadText } from "../components/download.ts";
import { Pager } from "../components/Pager.tsx";
import { PrintHeading } from "../components/PrintHeading.tsx";
import { StatCard } from "../components/StatCard.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { COVERAGE_STATUSES, GAP_REASONS, type CoverageStatus, type GapReason } from "../logic/coverage-status.ts";
import { toCsv } from "../logic/csv.ts";
import { actionKey, gradeKey, reasonKey, statusKey } from "../logic/i18n.ts";
import {
  classesOf,
  filterRoster,
  paginate,
  rosterFileName,
  type RosterFilter,
  type RosterRow,
  type SchoolClass,
  type StatusFilter,
} from "../logic/roster.ts";
import { compareToTarget } from "../logic/targets.ts";
import { suggestedAction } from "../logic/suggested-action.ts";
import { useI18n, type I18n } from "../i18n-context.tsx";
import {
  ConsoleSchoolStudentsDocument,
  ConsoleSchoolSummaryDocument,
  type ConsoleSchoolStudentsQuery,
  type ConsoleSchoolSummaryQuery,
} from "../operations/generated.ts";
import { useAsync } from "../use-async.ts";
import { usePrinting } from "../use-printing.ts";
import { todayOnThisComputer } from "../logic/dates.ts";

const PAGE_SIZE = 50;
/** Students fetched per request: a large school (a few thousand) arrives in a handful of requests. */
const FETCH_SIZE = 500;
const PURPOSE = "school coverage follow-up";

/**
 * A school administrator's page: the school's figures, every student with a coverage badge,
 * filters by status and reason, search, the suggested action per student, CSV export of what
 * the filters show, and pages of 50.
 *
 * The whole roster is fetched (in pages of 500) and filtered in the browser: the API lists a
 * school's students without filters, and even a large school is a few thousand rows.
 */
export function SchoolView({ token, schools }: { token: string; schools: readonly string[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const ids = {
    school: useId(),
    status: useId(),
    reason: useId(),
    search: useId(),
    grade: useId(),
    className: useId(),
  };
  const [code, setCode] = useState(schools[0] ?? "");
  const [filter, setFilter] = useState<RosterFilter>({
    status: "",
    reason: "",
    query: "",
    grade: null,
    className: "",
  });
  const [page, setPage] = useState(1);

  const [summary, retrySummary] = useAsync(
    () => runOperation(ConsoleSchoolSummaryDocument, { code }, token, PURPOSE),
    [code, token],
  );
  const { roster, retryRoster, progress } = useRoster(code, token);

  const filtered = useMemo(
    () => (roster.status === "done" ? filterRoster(roster.value, filter) : []),
    [roster, filter],
  );
  const shown = paginate(filtered, page, PAGE_SIZE);
  const update = (change: Partial<RosterFilter>) => {
    setFilter((f) => ({ ...f, ...change }));
    setPage(1);
  };
  const school = summary.status === "done" ? summary.value.school : null;
  const target = summary.status === "done" ? (summary.value.policy?.targets.overallInsuredRate ?? null) : null;
  const classes = useMemo(() => (roster.status === "done" ? classesOf(roster.value) : []), [roster]);
  const classLabel = classLabelOf(filter, i18n);
  const exportCsv = () =>
    downloadText(
      rosterFileName([school?.name ?? code, classLabel, filterLabelOf(filter, i18n)], todayOnThisComputer()),
      rosterCsv(filtered, i18n),
    );
  const printTitle = t("printUninsuredTitle", {
    school: school?.name ?? code,
    class: `${classLabel} `,
    date: i18n.fmt.date(todayOnThisComputer()),
  });
  const [printRequested, setPrintRequested] = useState(false);
  const printUninsured = () => {
    // What the school prints is the uninsured of the class it chose: the filter follows the button.
    if (filter.status !== "UNINSURED_ANY") update({ status: "UNINSURED_ANY" });
    setPrintRequested(true);
  };
  useEffect(() => {
    if (!printRequested) return;
    setPrintRequested(false);
    window.print();
  }, [printRequested]);
  const printing = usePrinting();
  return (
    <main className="view school-view">
      <h1>{t("schoolTitle")}</h1>
      {schools.length > 1 && (
        <p>
          <label htmlFor={ids.school}>{t("schoolLabel")}</label>{" "}
          <select
            id={ids.school}
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              // Another school has other classes.
              update({ grade: null, className: "" });
            }}
          >
            {schools.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </p>
      )}
      <AsyncStatus state={summary} retry={retrySummary} />
      {school && <SchoolSummary school={school} target={target} />}
      <RosterFilters
        ids={ids}
        filter={filter}
        classes={classes}
        update={update}
        onExport={exportCsv}
        onPrint={printUninsured}
        canExport={filtered.length > 0}
      />
      <AsyncStatus state={roster} retry={retryRoster} progress={progress} />
      {roster.status === "done" && (
        <>
          <PrintHeading title={printTitle} />
          {/* On paper every filtered row, not the page of 50 on screen. */}
          <div className="screen-only">
            <RosterTable rows={shown.rows} />
            <Pager page={shown} onPage={setPage} label={t("schoolTitle")} />
          </div>
          {printing && (
            <div className="print-only">
              {filtered.length > 0 ? <RosterTable rows={filtered} /> : <p>{t("noData")}</p>}
            </div>
          )}
        </>
      )}
    </main>
  );
}

/** The school's whole roster, fetched FETCH_SIZE students a request, with how far it has got. */
function useRoster(code: string, token: string) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [roster, retryRoster] = useAsync(async () => {
    const rows: RosterRow[] = [];
    let after: string | null = null;
    setProgress(null);
    for (;;) {
      const data: ConsoleSchoolStudentsQuery = await runOperation(
        ConsoleSchoolStudentsDocument,
        { code, first: FETCH_SIZE, after },
        token,
        PURPOSE,
      );
      const students = data.school?.students;
      if (!students) break;
      for (const { node } of students.edges) {
        rows.push({
          studentNumber: node.studentNumber,
          name: node.name,
          grade: node.grade,
          className: node.className,
          idNumber: node.child?.idNumber ?? null,
          status: (node.child?.coverage?.status ?? null) as CoverageStatus | null,
          reasons: (node.child?.coverage?.reasons ?? []) as GapReason[],
        });
      }
      setProgress({ done: rows.length, total: students.totalCount ?? rows.length });
      if (!students.pageInfo.hasNextPage) break;
      after = students.pageInfo.endCursor;
    }
    return rows;
  }, [code, token]);
  return { roster, retryRoster, progress };
}

/** Statuses a school's pupil cannot normally have: their cards are left off while they count nobody. */
const NEWBORN_STATUSES: readonly string[] = ["NEWBORN_IN_WINDOW", "NEWBORN_OVERDUE"];

/**
 * The school's name and figures: students, insured (a duplicate enrollment is insured: it is
 * counted there and named under it), the rate beside the policy's target, and the uninsured by
 * status. Students = 已参保 + the uninsured cards, as the API counts them. Newborn cards are left
 * off (a pupil is no newborn) unless the school's file somehow holds one, so the cards still add up.
 */
function SchoolSummary({
  school,
  target,
}: {
  school: NonNullable<ConsoleSchoolSummaryQuery["school"]>;
  target: number | null;
}) {
  const { t, fmt } = useI18n();
  const coverage = school.coverage;
  const count = (status: string) => coverage?.statusCounts.find((c) => c.status === status)?.count ?? 0;
  const duplicate = count("DUPLICATE");
  const comparison =
    coverage && coverage.children !== null && coverage.insured !== null && target !== null
      ? compareToTarget({ children: coverage.children, insured: coverage.insured }, target)
      : null;
  return (
    <section aria-label={t("schoolLabel")} className="summary">
      <h2 className="school-name" data-school={school.code}>
        {school.name} <span className="muted">({school.code})</span>
      </h2>
      {coverage && (
        <div className="stats">
          <StatCard label={t("students")} value={fmt.number(coverage.children ?? 0)} />
          <StatCard
            label={t("insured")}
            value={coverage.insured === null ? "—" : fmt.number(coverage.insured)}
            tone="ok"
            detail={duplicate > 0 ? t("includingDuplicate", { count: fmt.number(duplicate) }) : undefined}
          />
          <StatCard
            label={
              target === null
                ? t("insuredRate")
                : `${t("insuredRate")} (${t("overallTarget", { rate: fmt.percent(target) })})`
            }
            value={coverage.insuredRate === null ? "—" : fmt.percent(coverage.insuredRate)}
            tone={comparison ? (comparison.met ? "ok" : "gap") : undefined}
            detail={
              comparison
                ? comparison.met
                  ? t("meetsTarget")
                  : t("shortfall", { count: fmt.number(comparison.shortfall) })
                : undefined
            }
          />
          {coverage.statusCounts
            .filter((c) => c.status !== "INSURED" && c.status !== "DUPLICATE")
            .filter((c) => !NEWBORN_STATUSES.includes(c.status) || (c.count ?? 0) > 0)
            .map((c) => (
              <StatCard
                key={c.status}
                label={t(statusKey(c.status))}
                value={c.count === null ? "—" : fmt.number(c.count)}
                tone={c.count ? "gap" : undefined}
              />
            ))}
        </div>
      )}
    </section>
  );
}

/** "三年级2班", "三年级" or "全校": the class the filters show, as a title or a file name says it. */
function classLabelOf(filter: RosterFilter, i18n: I18n): string {
  if (filter.grade === null || filter.grade === undefined) return i18n.t("allClasses");
  const grade = gradeText(filter.grade, i18n.t, i18n.fmt);
  return filter.className ? i18n.t("gradeClass", { grade, class: filter.className }) : grade;
}

/** What the status, reason and search filters keep, in words: "未参保", "断保_非本地户籍", "全部学生". */
function filterLabelOf(filter: RosterFilter, i18n: I18n): string {
  const { t } = i18n;
  const parts = [
    filter.status === "UNINSURED_ANY"
      ? t("uninsuredShort")
      : filter.status
        ? t(statusKey(filter.status))
        : filter.reason
          ? ""
          : t("allStudents"),
    filter.reason ? t(reasonKey(filter.reason)) : "",
    filter.query.trim() ? t("searchResults") : "",
  ];
  return parts.filter((p) => p !== "").join("_");
}

/** Filters by status, reason and text, and the CSV export of what they show. */
function RosterFilters({
  ids,
  filter,
  classes,
  update,
  onExport,
  onPrint,
  canExport,
}: {
  ids: { status: string; reason: string; search: string; grade: string; className: string };
  filter: RosterFilter;
  classes: readonly SchoolClass[];
  update: (change: Partial<RosterFilter>) => void;
  onExport: () => void;
  onPrint: () => void;
  canExport: boolean;
}) {
  const { t, fmt } = useI18n();
  const grades = [...new Set(classes.map((c) => c.grade))];
  const shownClasses = classes.filter(
    (c) => filter.grade === null || filter.grade === undefined || c.grade === filter.grade,
  );
  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <div>
        <label htmlFor={ids.status}>{t("filterStatus")}</label>
        <select
          id={ids.status}
          value={filter.status}
          onChange={(e) => update({ status: e.target.value as StatusFilter })}
        >
          <option value="">{t("anyStatus")}</option>
          <option value="UNINSURED_ANY">{t("uninsuredAny")}</option>
          {COVERAGE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(statusKey(s))}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.reason}>{t("filterReason")}</label>
        <select
          id={ids.reason}
          value={filter.reason}
          onChange={(e) => update({ reason: e.target.value as GapReason | "" })}
        >
          <option value="">{t("anyReason")}</option>
          {GAP_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(reasonKey(r))}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.grade}>{t("filterGrade")}</label>
        <select
          id={ids.grade}
          value={filter.grade === null || filter.grade === undefined ? "" : String(filter.grade)}
          onChange={(e) => update({ grade: e.target.value === "" ? null : Number(e.target.value), className: "" })}
        >
          <option value="">{t("anyGrade")}</option>
          {grades.map((g) => (
            <option key={g} value={String(g)}>
              {gradeText(g, t, fmt)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.className}>{t("filterClass")}</label>
        {/* A class is a grade's class: "2班" is in every grade, so the value carries both. */}
        <select
          id={ids.className}
          value={filter.className && filter.grade != null ? `${filter.grade}|${filter.className}` : ""}
          onChange={(e) => {
            const bar = e.target.value.indexOf("|");
            update(
              bar < 0
                ? { className: "" }
                : { grade: Number(e.target.value.slice(0, bar)), className: e.target.value.slice(bar + 1) },
            );
          }}
        >
          <option value="">{t("anyClass")}</option>
          {shownClasses.map((c) => (
            <option key={`${c.grade}|${c.className}`} value={`${c.grade}|${c.className}`}>
              {t("gradeClass", { grade: gradeText(c.grade, t, fmt), class: c.className })}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.search}>{t("search")}</label>
        <input id={ids.search} type="search" value={filter.query} onChange={(e) => update({ query: e.target.value })} />
      </div>
      <button type="button" onClick={onExport} disabled={!canExport}>
        {t("exportCsv")}
      </button>
      <button type="button" onClick={onPrint}>
        {t("print")}
      </button>
    </form>
  );
}

/** One page of the roster: each student's coverage badge, gap reasons and suggested action. */
function RosterTable({ rows }: { rows: readonly RosterRow[] }) {
  const { t, fmt } = useI18n();
  return (
    <table className="data-table roster">
      <caption className="visually-hidden">{t("schoolTitle")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("colStudentNumber")}</th>
          <th scope="col">{t("colName")}</th>
          <th scope="col">{t("colGrade")}</th>
          <th scope="col">{t("colClass")}</th>
          <th scope="col">{t("colIdNumber")}</th>
          <th scope="col">{t("colStatus")}</th>
          <th scope="col">{t("colReasons")}</th>
          <th scope="col">{t("colAction")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => {
          const action = row.status ? suggestedAction(row.status, row.reasons) : null;
          // A student number is not a key: a school's file may register one pupil twice (a transfer
          // back, a clerk's duplicate), and React would leave a duplicate's row behind on a filter.
          return (
            <tr key={`${row.studentNumber}#${i}`} data-status={row.status ?? ""}>
              <td className="mono">{row.studentNumber}</td>
              <th scope="row" className="name-cell">
                {row.name}
              </th>
              <td className="nowrap">{gradeText(row.grade, t, fmt)}</td>
              <td>{row.className}</td>
              <td className="mono">{row.idNumber ?? "—"}</td>
              <td>
                <StatusBadge status={row.status} />
              </td>
              <td>{row.reasons.map((r) => t(reasonKey(r))).join("、")}</td>
              <td>{action ? t(actionKey(action)) : ""}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** 幼儿园, 一年级…六年级, 初一…初三, 高一…高三; a grade outside those as its number. */
function gradeText(grade: number, t: I18n["t"], fmt: I18n["fmt"]): string {
  if (grade === 0) return t("kindergarten");
  const key = gradeKey(grade);
  return key ? t(key) : fmt.number(grade);
}

function rosterCsv(rows: readonly RosterRow[], i18n: I18n): string {
  const { t } = i18n;
  return toCsv(
    [
      t("colStudentNumber"),
      t("colName"),
      t("colGrade"),
      t("colClass"),
      t("colIdNumber"),
      t("colStatus"),
      t("colReasons"),
      t("colAction"),
    ],
    rows.map((row) => {
      const action = row.status ? suggestedAction(row.status, row.reasons) : null;
      return [
        row.studentNumber,
        row.name,
        gradeText(row.grade, t, i18n.fmt),
        row.className,
        row.idNumber,
        row.status ? t(statusKey(row.status)) : "",
        row.reasons.map((r) => t(reasonKey(r))).join("; "),
        action ? t(actionKey(action)) : "",
      ];
    }),
  );
}
