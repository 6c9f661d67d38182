import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRowAccess } from "../../src/access/rows/row-access.ts";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows } from "../../src/db/client.ts";
import { ingestBatch } from "../../src/ingest/batch.ts";
import { personKind } from "../../src/ingest/kinds/household.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { storedRow } from "../ingest/submit.ts";

/**
 * Issue 20: the gap lists and watchlists test a viewer's row scope on the snapshot row itself
 * (`scope_places`, copied from `hub.child_scope` with the assessment) instead of joining the view
 * per row. The view is the definition of who may see which child; the row's copy must give the
 * same children for every kind of scope, on the snapshot the view reads and on an older one, and
 * still after an import moves a child (the copy is refreshed with the child's coverage).
 */
const LATEST = "2026-06-30";
const OLDER = "2026-03-31";

describe.each(ENGINES)("the row scope on snapshot rows (%s)", (engine) => {
  let hub: TestHub;
  let viewers: AuthenticatedViewer[];

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 600, seed: 11, asOf: LATEST });
    await buildSnapshot(hub.database.db, OLDER);
    viewers = await viewersOfEveryScope();
  }, 180_000);
  afterAll(async () => hub?.close());

  /** Officers of every region role at province, prefecture and county level; a school; a doctor. */
  async function viewersOfEveryScope(): Promise<AuthenticatedViewer[]> {
    const db = hub.database.db;
    const [place] = await queryRows<{ county: string; school: string; doctor: string }>(
      db,
      sql`select trim(s.residence_region_code) as county,
            (select school_code from hub.coverage_status where school_code is not null limit 1) as school,
            (select doctor_code from hub.coverage_status where doctor_code is not null limit 1) as doctor
          from hub.coverage_status s where s.residence_region_code is not null
          group by 1 order by count(*) desc limit 1`,
    );
    const regions = ["33", place!.county.slice(0, 4), place!.county];
    const officers = ["insurance_officer", "health_officer", "education_officer", "household_officer"] as const;
    return [
      ...officers.flatMap((role) =>
        regions.map((region) => ({ subject: `scope-${role}-${region}`, role, scope: { region } })),
      ),
      { subject: "scope-school", role: "school_admin", scope: { schools: [place!.school] } },
      { subject: "scope-doctor", role: "family_doctor", scope: { doctor: place!.doctor } },
    ];
  }

  /** The children of a snapshot a viewer may see, by the view (the definition) and by the row's copy. */
  async function bothWays(viewer: AuthenticatedViewer, asOf: string) {
    const db = hub.database.db;
    const rows = createRowAccess(db, viewer);
    const ids = async (condition: ReturnType<typeof rows.snapshotRowCondition>) =>
      (
        await queryRows<{ id: string }>(
          db,
          sql`select s.child_id::text as id from hub.coverage_status s where s.as_of = ${asOf} and ${condition}
              order by s.child_id`,
        )
      ).map((r) => r.id);
    return {
      byView: await ids(rows.childCondition(sql.raw("s.child_id"))),
      byRow: await ids(rows.snapshotRowCondition()),
    };
  }

  it("gives every viewer the children the view gives, on the latest snapshot and an older one", async () => {
    let reached = 0;
    for (const asOf of [LATEST, OLDER])
      for (const viewer of viewers) {
        const { byView, byRow } = await bothWays(viewer, asOf);
        expect(byRow, `${viewer.role} ${JSON.stringify(viewer.scope)} on ${asOf}`).toEqual(byView);
        if (byView.length > 0) reached++;
      }
    // The comparison is about real lists: most scopes reach children (a county's doctors may not).
    expect(reached).toBeGreaterThanOrEqual(viewers.length);
  });

  it("follows a child an import moves to another prefecture's hukou", async () => {
    const db = hub.database.db;
    // A linked person registered in the county most children live in, moved to another prefecture.
    const [moved] = await queryRows<{ record_id: string; child_id: string; hukou: string }>(
      db,
      sql`select p.record_id, l.child_id::text as child_id, trim(p.hukou_region_code) as hukou
            from household.persons p join hub.links l on l.source = 'household.person' and l.record_id = p.record_id
           where l.unlinked_at is null and p.registration_kind <> 'RESIDENCE_PERMIT'
             and p.hukou_region_code like '33%'
           order by p.record_id limit 1`,
    );
    const [elsewhere] = await queryRows<{ code: string }>(
      db,
      sql`select trim(hukou_region_code) as code from household.persons
          where hukou_region_code like '33%' and left(hukou_region_code, 4) <> ${moved!.hukou.slice(0, 4)} limit 1`,
    );
    const row = await storedRow(db, personKind, moved!.record_id);
    const report = await ingestBatch(db, personKind, [{ ...row, hukou_region_code: elsewhere!.code }]);
    expect(report.updated).toBe(1);
    const registrar: AuthenticatedViewer = {
      subject: "scope-moved",
      role: "household_officer",
      scope: { region: elsewhere!.code.slice(0, 4) },
    };
    for (const asOf of [LATEST, OLDER]) {
      const { byView, byRow } = await bothWays(registrar, asOf);
      expect(byView).toContain(moved!.child_id);
      expect(byRow).toEqual(byView);
    }
  });
});
