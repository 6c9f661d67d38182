/** Calendar dates as the API sends them: "YYYY-MM-DD", no time, no time zone. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function utcDay(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new Error(`a date must be YYYY-MM-DD, but got "${iso}"`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

/**
 * Whole days from `from` to `to` (negative when `to` is earlier), counted on the calendar so a
 * daylight-saving shift in the browser's zone never makes it off by one.
 *
 *   daysBetween("2026-06-30", "2026-07-10") // 10
 */
export function daysBetween(from: string, to: string): number {
  return utcDay(to) - utcDay(from);
}

export type Urgency = "overdue" | "urgent" | "soon" | "later";

/**
 * How close a deadline is: past it, within a week, within a month, or later.
 *
 *   urgencyOf(-3) // "overdue";  urgencyOf(5) // "urgent";  urgencyOf(20) // "soon"
 */
export function urgencyOf(daysLeft: number): Urgency {
  if (daysLeft < 0) return "overdue";
  if (daysLeft <= 7) return "urgent";
  if (daysLeft <= 30) return "soon";
  return "later";
}

/** A date as a Date at midnight UTC, for Intl formatting with `timeZone: "UTC"`. */
export function dateAtUtcMidnight(iso: string): Date {
  return new Date(utcDay(iso) * DAY_MS);
}

/**
 * Today's date on the user's computer, "YYYY-MM-DD": what a printed list or a saved file is
 * dated (in China, 07:00 is still yesterday in UTC).
 *
 *   todayOnThisComputer(new Date(2026, 11, 8, 7, 0)) // "2026-12-08"
 */
export function todayOnThisComputer(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
