import type { IsoDate } from "../domain/dates.ts";

/** China Standard Time is UTC+8 all year (no daylight saving). */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The date coverage is judged on when a caller gives none: today in China, since the policy's
 * deadlines (90 days after birth, year ends) are Beijing calendar days whatever the server's zone.
 *
 *   defaultAsOf(new Date("2026-11-24T17:00:00Z")) // "2026-11-25"
 */
export function defaultAsOf(now: Date = new Date()): IsoDate {
  return new Date(now.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}
