import { isUninsured, type CoverageStatus, type GapReason } from "./coverage-status.ts";

/** One student row as the school page holds it. */
export interface RosterRow {
  studentNumber: string;
  name: string;
  grade: number;
  className: string;
  /** Masked for a school administrator (first 6 and last 4 characters). */
  idNumber: string | null;
  status: CoverageStatus | null;
  reasons: readonly GapReason[];
}

/** "UNINSURED_ANY": every status without insurance for the year (the filter a school uses most). */
export type StatusFilter = CoverageStatus | "UNINSURED_ANY" | "";

export interface RosterFilter {
  status: StatusFilter;
  reason: GapReason | "";
  /** Part of a name or of a student number; case and surrounding spaces ignored. */
  query: string;
  /** One grade (null or absent: every grade). */
  grade?: number | null;
  /**
   * One class ("" or absent: every class), as the school's file names it ("2班"). A class name
   * repeats in every grade, so it is one class only together with `grade`.
   */
  className?: string;
}

/** A class of the school: its grade and its name within the grade. */
export interface SchoolClass {
  grade: number;
  className: string;
}

/**
 * The school's classes, each once, by grade and then by name (numbers in order: 2班 before 10班).
 *
 *   classesOf([{ grade: 3, className: "2班" }, { grade: 1, className: "10班" }, { grade: 1, className: "2班" }])
 *   // [{ grade: 1, className: "2班" }, { grade: 1, className: "10班" }, { grade: 3, className: "2班" }]
 */
export function classesOf(rows: readonly Pick<RosterRow, "grade" | "className">[]): SchoolClass[] {
  const seen = new Map<string, SchoolClass>();
  for (const { grade, className } of rows) seen.set(`${grade}|${className}`, { grade, className });
  return [...seen.values()].sort(
    (a, b) => a.grade - b.grade || a.className.localeCompare(b.className, "zh-CN", { numeric: true }),
  );
}

/**
 * The file a school's export is saved as: school, class, filter and date, joined by "_", with
 * anything a file system may refuse replaced.
 *
 *   rosterFileName(["XX学校", "三年级2班", "未参保"], "2026-12-07") // "XX学校_三年级2班_未参保_2026-12-07.csv"
 */
export function rosterFileName(parts: readonly string[], date: string): string {
  const safe = [...parts, date]
    .map((p) =>
      p
        .trim()
        .replace(/[^\p{L}\p{N}_-]+/gu, "-")
        .replace(/^-+|-+$/g, ""),
    )
    .filter((p) => p !== "");
  return `${safe.join("_")}.csv`;
}

/**
 * The rows matching every part of the filter, in their order.
 *
 *   filterRoster(rows, { status: "UNINSURED_ANY", reason: "", query: "王" })
 */
export function filterRoster<R extends RosterRow>(rows: readonly R[], filter: RosterFilter): R[] {
  const query = filter.query.trim().toLowerCase();
  return rows.filter((row) => {
    if (
      filter.status === "UNINSURED_ANY"
        ? !(row.status && isUninsured(row.status))
        : filter.status !== "" && row.status !== filter.status
    )
      return false;
    if (filter.reason !== "" && !row.reasons.includes(filter.reason)) return false;
    if (filter.grade !== null && filter.grade !== undefined && row.grade !== filter.grade) return false;
    if (filter.className && row.className !== filter.className) return false;
    if (query !== "" && !row.name.toLowerCase().includes(query) && !row.studentNumber.toLowerCase().includes(query))
      return false;
    return true;
  });
}

export interface Page<R> {
  rows: R[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  /** 1-based position of the first and last row shown (0 and 0 when empty). */
  from: number;
  to: number;
  total: number;
}

/**
 *   paginate(["a", "b", "c"], 2, 2) // { rows: ["c"], page: 2, pages: 2, from: 3, to: 3, total: 3 }
 */
export function paginate<R>(rows: readonly R[], page: number, pageSize: number): Page<R> {
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(Math.max(1, Math.floor(page)), pages);
  const start = (current - 1) * pageSize;
  const slice = rows.slice(start, start + pageSize);
  return {
    rows: slice,
    page: current,
    pages,
    from: slice.length ? start + 1 : 0,
    to: start + slice.length,
    total: rows.length,
  };
}

/** Students per status, every status present (0 when none). */
export function countByStatus(rows: readonly RosterRow[]): Record<CoverageStatus, number> {
  const counts: Record<CoverageStatus, number> = {
    INSURED: 0,
    NEWBORN_IN_WINDOW: 0,
    NEWBORN_OVERDUE: 0,
    LAPSED: 0,
    UNINSURED: 0,
    DUPLICATE: 0,
  };
  for (const row of rows) if (row.status) counts[row.status] += 1;
  return counts;
}
