import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../src/db/client.ts";

/** A snapshot row as the tests read it: plain data to derive expectations from. */
export interface SnapshotRow {
  childId: number;
  status: string;
  reasons: string[];
  deadline: string | null;
  codeWindowEndsOn: string | null;
  needyCategory: string | null;
  actor: string | null;
  code: string | null;
  residence: string | null;
}

export async function snapshotRows(db: Db, asOf: string): Promise<Map<number, SnapshotRow>> {
  const rows = await queryRows<{
    child_id: number | string;
    status: string;
    reasons: string[] | string;
    deadline: string | null;
    code_window_ends_on: string | null;
    needy_category: string | null;
    responsible_actor: string | null;
    responsible_code: string | null;
    residence_region_code: string | null;
  }>(
    db,
    sql`select child_id, status, reasons, deadline::text, code_window_ends_on::text, needy_category,
               responsible_actor, responsible_code, residence_region_code
          from hub.coverage_status where as_of = ${asOf}`,
  );
  return new Map(
    rows.map((r) => [
      Number(r.child_id),
      {
        childId: Number(r.child_id),
        status: r.status,
        reasons:
          typeof r.reasons === "string"
            ? r.reasons
                .replace(/^\{|\}$/g, "")
                .split(",")
                .filter(Boolean)
            : r.reasons,
        deadline: r.deadline,
        codeWindowEndsOn: r.code_window_ends_on,
        needyCategory: r.needy_category,
        actor: r.responsible_actor,
        code: r.responsible_code,
        residence: r.residence_region_code,
      },
    ]),
  );
}

/** An item as stored, for comparison with the expectation. */
export interface ItemRow {
  id: number;
  childId: number;
  openedOn: string;
  dueOn: string;
  priority: number;
  status: string;
  actor: string;
  code: string | null;
  closedOn: string | null;
  outcome: string | null;
}

export async function itemRows(db: Db): Promise<ItemRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select id, child_id, opened_on::text as opened_on, due_on::text as due_on, priority, status, responsible_actor,
               responsible_code, closed_on::text as closed_on, outcome
          from hub.follow_up_items order by child_id, id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    childId: Number(r.child_id),
    openedOn: r.opened_on as string,
    dueOn: r.due_on as string,
    priority: Number(r.priority),
    status: r.status as string,
    actor: r.responsible_actor as string,
    code: r.responsible_code as string | null,
    closedOn: r.closed_on as string | null,
    outcome: r.outcome as string | null,
  }));
}

export async function historyCounts(db: Db): Promise<Record<string, number>> {
  const rows = await queryRows<{ on: string; event: string; n: number }>(
    db,
    sql`select "on"::text as on, event, count(*)::int as n from hub.follow_up_item_history group by 1, 2 order by 1, 2`,
  );
  return Object.fromEntries(rows.map((r) => [`${r.on} ${r.event}`, r.n]));
}
