import { and, arrayContains, count, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { defaultAsOf } from "../../coverage/as-of.ts";
import type { Db } from "../../db/client.ts";
import { pageArgs, toPage, type Page } from "../../db/paging.ts";
import { accessLog } from "../../db/tables/audit.ts";
import { addDays, isValidIsoDate, type IsoDate } from "../../domain/dates.ts";
import { InputError } from "../../errors.ts";
import { departmentOf, isRole, type Department, type Role, type ViewerScope } from "../identity/viewer.ts";

/** Reading the access log (recorder.ts writes it): the auditor's pages, and a child's own history. */

/** One row of the access log, as the auditor sees it. */
export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  role: string;
  scope: ViewerScope;
  operation: string | null;
  childIds: number[];
  fields: string[];
  purpose: string | null;
  requestId: string | null;
}

export interface AuditQuery {
  /** The token subject who read. */
  actor?: string | null;
  /** Entries that include this child. */
  childId?: number | null;
  /** From this instant (inclusive). */
  from?: Date | null;
  /** Before this instant (exclusive). */
  to?: Date | null;
  first?: number | null;
  after?: string | null;
}

/**
 * The access log for the auditor: newest first, filtered by actor, child and time range, a page
 * at a time (`after` is the `endCursor` of the previous page). Uses the (actor, at), (at) and GIN
 * (child_ids) indexes.
 *
 *   await queryAuditLog(db, { childId: 42, from: new Date("2026-01-01"), first: 50 })
 */
export async function queryAuditLog(db: Db, query: AuditQuery): Promise<Page<AuditEntry>> {
  const page = pageArgs(query.first, query.after);
  const conditions: SQL[] = [];
  if (query.actor != null) conditions.push(eq(accessLog.actor, query.actor));
  if (query.childId != null) conditions.push(arrayContains(accessLog.childIds, [validChildId(query.childId)]));
  const { from, to } = validRange(query.from, query.to);
  if (from) conditions.push(gte(accessLog.at, from));
  if (to) conditions.push(lt(accessLog.at, to));
  if (page.after !== null) conditions.push(lt(accessLog.id, cursorId(page.after, query.after!)));
  const rows = await db
    .select()
    .from(accessLog)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(accessLog.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, (row) => row.id, toEntry);
}

/** A decoded log cursor is a row id; anything else did not come from this log. */
function cursorId(key: string, cursor: string): number {
  const id = Number(key);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new InputError("after", `must be a cursor returned by the access log, but got "${cursor.slice(0, 40)}"`);
  return id;
}

function toEntry(row: typeof accessLog.$inferSelect): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    role: row.role,
    scope: row.scope as ViewerScope,
    operation: row.operation,
    childIds: row.childIds.map(Number),
    fields: row.fields,
    purpose: row.purpose,
    requestId: row.requestId,
  };
}

/** One access to a child's record, as a guardian is told about it. */
export interface ChildAccess {
  at: Date;
  /** The role that read, e.g. "school_admin". */
  role: string;
  /** The department the reader works for; "hub" for the hub's own analysts and auditors. */
  department: Department | "hub" | null;
  /** The region the reader's token was scoped to, when it had one. */
  region: string | null;
  /** Which fields the request read ("Child.name", "Enrollment.status", …). */
  fields: string[];
  purpose: string | null;
  operation: string | null;
}

/**
 * "Who looked at my child's record": every logged read of the child, newest first, naming the
 * reader by role, department and region only — no token subjects, request ids or other
 * children's ids.
 *
 *   await whoLookedAt(db, 42)
 *   // [{ at, role: "school_admin", department: "education", fields: ["Child.name", …],
 *   //    purpose: "insurance drive", … }]
 */
export async function whoLookedAt(
  db: Db,
  childId: number,
  options: { from?: Date | null; to?: Date | null; limit?: number } = {},
): Promise<ChildAccess[]> {
  const conditions: SQL[] = [arrayContains(accessLog.childIds, [validChildId(childId)])];
  const { from, to } = validRange(options.from, options.to);
  if (from) conditions.push(gte(accessLog.at, from));
  if (to) conditions.push(lt(accessLog.at, to));
  const limit = options.limit ?? 1_000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new InputError("limit", `must be a whole number from 1 to 10000, but got ${limit}`);
  const rows = await db
    .select({
      at: accessLog.at,
      role: accessLog.role,
      scope: accessLog.scope,
      fields: accessLog.fields,
      purpose: accessLog.purpose,
      operation: accessLog.operation,
    })
    .from(accessLog)
    .where(and(...conditions))
    .orderBy(desc(accessLog.at), desc(accessLog.id))
    .limit(limit);
  return rows.map((r) => {
    const scope = (r.scope ?? {}) as ViewerScope;
    const role: Role | "anonymous" = isRole(r.role) ? r.role : "anonymous";
    return {
      at: r.at,
      role: r.role,
      department: departmentOf({ role, scope }),
      region: typeof scope.region === "string" ? scope.region : null,
      fields: r.fields,
      purpose: r.purpose,
      operation: r.operation,
    };
  });
}

function validChildId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new InputError("childId", `must be a child id (a positive whole number), but got ${id}`);
  return id;
}

function validRange(
  from: Date | null | undefined,
  to: Date | null | undefined,
): { from: Date | null; to: Date | null } {
  for (const [name, value] of [
    ["from", from],
    ["to", to],
  ] as const) {
    if (value != null && Number.isNaN(value.getTime())) throw new InputError(name, "must be a valid date and time");
  }
  if (from && to && from.getTime() > to.getTime())
    throw new InputError("to", `must not be before from (${from.toISOString()}), but got ${to.toISOString()}`);
  return { from: from ?? null, to: to ?? null };
}

/**
 * One logged read of a child, for the page of its access history the auditor reads (and, with
 * issue #21, its guardian): the reader as an organisation, never as a person.
 */
export interface ChildAccessEntry {
  /** The log row: the cursor's key, never shown. */
  id: number;
  /** The child asked about (what the reading of this history is logged as a read of). */
  childId: number;
  /** The day of the read in China (policy dates are Beijing days). */
  date: IsoDate;
  role: string;
  department: Department | "hub" | null;
  /**
   * Where the reader works, as its token scopes it: an officer's or analyst's region, a family
   * doctor's county (from the doctor code, which itself names a person and is not shown).
   */
  region: string | null;
  /** A school administrator's schools (organisations, public codes); empty for every other role. */
  schools: string[];
  fields: string[];
  purpose: string | null;
}

/** Days in China, both ends included, as the instants the log is kept in. */
export interface DayRange {
  from?: IsoDate | null;
  to?: IsoDate | null;
}

const CHINA = "+08:00";

/**
 * A child's access history a page at a time, newest first (`after` is the previous page's
 * `endCursor`): every logged read of it, the reader named by role, department, region and
 * schools only — no token subject, operation name, request id or other child's id. Uses the
 * GIN (child_ids) index; `countChildAccesses` counts the same rows.
 *
 *   await childAccessPage(db, 42, { from: "2026-01-01", first: 50 })
 *   // { edges: [{ node: { date: "2026-03-03", role: "school_admin", department: "education",
 *   //                     schools: ["2330106101"], fields: ["Child.name"], purpose: "roster", … } }], … }
 */
export async function childAccessPage(
  db: Db,
  childId: number,
  query: DayRange & { first?: number | null; after?: string | null },
): Promise<Page<ChildAccessEntry>> {
  const page = pageArgs(query.first, query.after);
  const conditions = childAccessConditions(childId, query);
  if (page.after !== null) conditions.push(lt(accessLog.id, cursorId(page.after, query.after!)));
  const rows = await db
    .select({
      id: accessLog.id,
      at: accessLog.at,
      role: accessLog.role,
      scope: accessLog.scope,
      fields: accessLog.fields,
      purpose: accessLog.purpose,
    })
    .from(accessLog)
    .where(and(...conditions))
    .orderBy(desc(accessLog.id))
    .limit(page.limit + 1);
  return toPage(
    rows,
    page.limit,
    (r) => r.id,
    (r) => toChildAccessEntry(childId, r),
  );
}

/** How many logged reads of a child fall in the range (the history's totalCount). */
export async function countChildAccesses(db: Db, childId: number, range: DayRange): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(accessLog)
    .where(and(...childAccessConditions(childId, range)));
  return Number(row?.n ?? 0);
}

function childAccessConditions(childId: number, range: DayRange): SQL[] {
  const conditions: SQL[] = [arrayContains(accessLog.childIds, [validChildId(childId)])];
  const { from, to } = validDays(range);
  if (from) conditions.push(gte(accessLog.at, new Date(`${from}T00:00:00${CHINA}`)));
  if (to) conditions.push(lt(accessLog.at, new Date(`${addDays(to, 1)}T00:00:00${CHINA}`)));
  return conditions;
}

function validDays(range: DayRange): { from: IsoDate | null; to: IsoDate | null } {
  for (const [name, value] of [
    ["from", range.from],
    ["to", range.to],
  ] as const) {
    if (value != null && !isValidIsoDate(value))
      throw new InputError(name, `must be a date such as "2026-11-24", but got "${value}"`);
  }
  if (range.from && range.to && range.from > range.to)
    throw new InputError("to", `must not be before from (${range.from}), but got ${range.to}`);
  return { from: range.from ?? null, to: range.to ?? null };
}

function toChildAccessEntry(
  childId: number,
  r: { id: number; at: Date; role: string; scope: unknown; fields: string[]; purpose: string | null },
): ChildAccessEntry {
  const scope = (r.scope ?? {}) as ViewerScope;
  const role: Role | "anonymous" = isRole(r.role) ? r.role : "anonymous";
  const doctorCounty =
    typeof scope.doctor === "string" && /^D\d{10}$/.test(scope.doctor) ? scope.doctor.slice(1, 7) : null;
  return {
    id: r.id,
    childId,
    date: defaultAsOf(r.at),
    role: r.role,
    department: departmentOf({ role, scope }),
    region: typeof scope.region === "string" ? scope.region : doctorCounty,
    schools: Array.isArray(scope.schools) ? scope.schools.filter((s) => typeof s === "string") : [],
    fields: r.fields,
    purpose: r.purpose,
  };
}
