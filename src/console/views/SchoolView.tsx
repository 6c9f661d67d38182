import { useEffect, useId, useMemo, useState } from "react";
import { runOperation } from "../api.ts";
import { AsyncStatus } from "../components/AsyncStatus.tsx";
import { downloadText } from "../components/download.ts";
import { Pager } from "../components/Pager.tsx";
import { PrintHeading } from "../components/PrintHeading.tsx";
import { StatCard } from "../components/StatCard.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { COVERAGE_STATUSES, GAP_REASONS, type CoverageStatus, type GapReason } from "../logic/coverage-status.ts";
import { csvFileName, toCsv } from "../logic/csv.ts";
import { actionKey, gradeKey, reasonKey, statusKey } from "../logic/i18n.ts";
import { filterRoster, paginate, type RosterFilter, type RosterRow, type StatusFilter } from "../logic/roster.ts";
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
  const ids = { school: useId(), status: useId(), reason: useId(), search: useId(), className: useId() };
  const [code, setCode] = useState(schools[0] ?? "");
  const [filter, setFilter] = useState<RosterFilter>({ status: "", reason: "", query: "", className: "" });
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
  const exportCsv = () =>
    downloadText(csvFileName("students", code, new Date().toISOString().slice(0, 10)), rosterCsv(filtered, i18n));

  const school = summary.status === "done" ? summary.value.school : null;
  const classes = useMemo(
    () =>
      roster.status === "done"
        ? [...new Set(roster.value.map((r) => r.className))].sort((a, b) =>
            a.localeCompare(b, "zh-CN", { numeric: true }),
          )
        : [],
    [roster],
  );
  const printTitle = t("printUninsuredTitle", {
    school: school?.name ?? code,
    class: filter.className ? `${filter.className} ` : `${t("allClasses")} `,
    date: i18n.fmt.date(new Date().toISOString().slice(0, 10)),
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
              setPage(1);
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
      {school && <SchoolSummary school={school} />}
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

/** The school's name and figures: students, insured, the rate, and each gap status's count. */
function SchoolSummary({ school }: { school: NonNullable<ConsoleSchoolSummaryQuery["school"]> }) {
  const { t, fmt } = useI18n();
  return (
    <section aria-label={t("schoolLabel")} className="summary">
      <h2 className="school-name" data-school={school.code}>
        {school.name} <span className="muted">({school.code})</span>
      </h2>
      {school.coverage && (
        <div className="stats">
          <StatCard label={t("students")} value={fmt.number(school.coverage.children ?? 0)} />
          {/* 已参保 counts INSURED only: a duplicate enrollment has its own card, so the cards add up. */}
          <StatCard
            label={t("insured")}
            value={fmt.number(school.coverage.statusCounts.find((c) => c.status === "INSURED")?.count ?? 0)}
            tone="ok"
          />
          <StatCard
            label={t("insuredRate")}
            value={school.coverage.insuredRate === null ? "—" : fmt.percent(school.coverage.insuredRate)}
          />
          {school.coverage.statusCounts
            .filter((c) => c.status !== "INSURED")
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
  ids: { status: string; reason: string; search: string; className: string };
  filter: RosterFilter;
  classes: readonly string[];
  update: (change: Partial<RosterFilter>) => void;
  onExport: () => void;
  onPrint: () => void;
  canExport: boolean;
}) {
  const { t } = useI18n();
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
        <label htmlFor={ids.className}>{t("filterClass")}</label>
        <select
          id={ids.className}
          value={filter.className ?? ""}
          onChange={(e) => update({ className: e.target.value })}
        >
          <option value="">{t("anyClass")}</option>
          {classes.map((c) => (
            <option key={c} value={c}>
              {c}
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
