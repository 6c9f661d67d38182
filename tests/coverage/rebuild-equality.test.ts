import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assessChildren, type StatusRow } from "../../src/coverage/assess.ts";
import { loadCoveragePolicy } from "../../src/coverage/facts.ts";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows, type Db } from "../../src/db/client.ts";
import { exportDepartmentFiles, type ExportedFile } from "../../src/generator/export-files.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { importFile } from "../../src/ingest/file.ts";
import type { RecordKind } from "../../src/ingest/kind.ts";
import { RECORD_KINDS } from "../../src/ingest/kinds/index.ts";
import { linkAll } from "../../src/linkage/link.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

/**
 * Coverage must always equal a rebuild (issue 23, finding 3), whatever changed the records, the
 * links or the snapshot meanwhile: every retained snapshot, row for row, is what assessing every
 * counted child from scratch gives for its date, and holds no row of a child that is not counted.
 */

const DATES = ["2025-12-31", "2026-06-30"] as const;
const PLACES = [
  "health.hospital",
  "health.vaccination_site",
  "health.family_doctor",
  "education.school",
  "insurance.coordination_area",
];
/** Records read by coverage but describing no child, imported last: a batch of them must still re-assess. */
const DETAILS = [
  "household.guardianship",
  "health.immunization_dose",
  "insurance.contribution",
  "insurance.assistance_eligibility",
];

const kindOf = (file: ExportedFile): RecordKind => RECORD_KINDS.find((k) => k.name === file.kind)!;

/** The stored rows of a snapshot and a rebuild of it, each child's row as comparable text. */
interface Difference {
  asOf: string;
  /** Children whose stored row differs from the rebuild's (or is missing from either side). */
  differing: number[];
  /** Stored rows of children that are merged, or otherwise not counted. */
  uncounted: number[];
  /** Counted children the rebuild assesses but the snapshot lacks. */
  missing: number[];
  /** Rollup groups whose count differs from a recount of the rows. */
  rollupOff: number;
}

const COUNTED = sql`state = 'ACTIVE' and not unresolved`;

function comparable(row: StatusRow | Record<string, unknown>): string {
  const r = row as Record<string, unknown>;
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v).trimEnd());
  return JSON.stringify([
    r.coverageYear,
    r.status,
    [...((r.reasons as string[] | null) ?? [])].sort(),
    text(r.birthDate),
    text(r.deadline),
    text(r.codeWindowEndsOn),
    r.waitingPeriodMonths ?? null,
    r.insuredWithinWindow,
    text(r.residenceRegionCode),
    text(r.hukouRegionCode),
    r.hukouType,
    text(r.schoolCode),
    text(r.doctorCode),
    text(r.needyCategory),
    text(r.responsibleActor),
    text(r.responsibleCode),
    text(r.action),
  ]);
}

/** Every retained snapshot against a rebuild of it from scratch, by the engine, in the same database. */
async function differencesFromRebuild(db: Db): Promise<Difference[]> {
  const policy = await loadCoveragePolicy(db);
  const counted = (
    await queryRows<{ id: number | string }>(db, sql`select id from hub.children where ${COUNTED} order by id`)
  ).map((r) => Number(r.id));
  const dates = (
    await queryRows<{ as_of: string }>(db, sql`select as_of::text as as_of from hub.coverage_snapshots order by 1`)
  ).map((r) => r.as_of);
  const out: Difference[] = [];
  for (const asOf of dates) {
    const rebuilt = await assessChildren(db, counted, asOf, policy);
    const stored = new Map(
      (
        await queryRows<Record<string, unknown>>(
          db,
          sql`select child_id as "childId", coverage_year as "coverageYear", status, reasons,
                     birth_date::text as "birthDate", deadline::text as deadline,
                     code_window_ends_on::text as "codeWindowEndsOn", waiting_period_months as "waitingPeriodMonths",
                     insured_within_window as "insuredWithinWindow", residence_region_code as "residenceRegionCode",
                     hukou_region_code as "hukouRegionCode", hukou_type as "hukouType", school_code as "schoolCode",
                     doctor_code as "doctorCode", needy_category as "needyCategory",
                     responsible_actor as "responsibleActor", responsible_code as "responsibleCode", action,
                     scope_places as "scopePlaces"
              from hub.coverage_status where as_of = ${asOf}`,
        )
      ).map((r) => [Number(r.childId), r]),
    );
    // A rebuild's places are the view's (hub.child_scope, the definition of who may see a child),
    // but the derived residence: what the lists' row scope reads from the row (issue 20).
    const places = new Map(
      (
        await queryRows<{ id: number | string; places: string[] }>(
          db,
          sql`select child_id as id, array_agg(distinct facet || ':' || code) as places from hub.child_scope
              where facet <> 'residence' and code is not null group by child_id`,
        )
      ).map((r) => [Number(r.id), [...r.places].sort().join(" ")]),
    );
    const countedSet = new Set(counted);
    const differing = new Set<number>();
    for (const [id, row] of rebuilt) {
      const mine = stored.get(id);
      if (!mine || comparable(mine) !== comparable(row)) differing.add(id);
      else if ([...(mine.scopePlaces as string[])].sort().join(" ") !== (places.get(id) ?? "")) differing.add(id);
    }
    for (const id of stored.keys()) if (!rebuilt.has(id)) differing.add(id);
    const [rollup] = await queryRows<{ off: number | string }>(
      db,
      sql`select count(*) as off from (
            (select residence_region_code, hukou_type, needy_category, status, coverage_year, insured_within_window,
                    sum(children)::int as n from hub.coverage_rollup where as_of = ${asOf} group by 1, 2, 3, 4, 5, 6
             except
             select residence_region_code, hukou_type, needy_category, status, coverage_year, insured_within_window,
                    count(*)::int from hub.coverage_status where as_of = ${asOf} group by 1, 2, 3, 4, 5, 6)
            union all
            (select residence_region_code, hukou_type, needy_category, status, coverage_year, insured_within_window,
                    count(*)::int from hub.coverage_status where as_of = ${asOf} group by 1, 2, 3, 4, 5, 6
             except
             select residence_region_code, hukou_type, needy_category, status, coverage_year, insured_within_window,
                    sum(children)::int from hub.coverage_rollup where as_of = ${asOf} group by 1, 2, 3, 4, 5, 6)) d`,
    );
    out.push({
      asOf,
      differing: [...differing].sort((a, b) => a - b),
      uncounted: [...stored.keys()].filter((id) => !countedSet.has(id)).sort((a, b) => a - b),
      missing: [...rebuilt.keys()].filter((id) => !stored.has(id)).sort((a, b) => a - b),
      rollupOff: Number(rollup!.off),
    });
  }
  return out;
}

/** What a test asserts: nothing differs on any date (the counts first, so a failure reads as a measurement). */
function summary(differences: readonly Difference[]) {
  return differences.map((d) => ({
    asOf: d.asOf,
    differing: d.differing.length,
    uncounted: d.uncounted.length,
    missing: d.missing.length,
    rollupOff: d.rollupOff,
  }));
}
const ALL_EQUAL = (dates: readonly string[]) =>
  dates.map((asOf) => ({ asOf, differing: 0, uncounted: 0, missing: 0, rollupOff: 0 }));

async function importAll(db: Db, files: readonly ExportedFile[], chunkRows: number, onChunk?: () => void) {
  for (const file of files)
    await importFile(db, kindOf(file), file.path, { format: "csv", chunkRows, onChunk: onChunk && (() => onChunk()) });
}

/**
 * Starts importing `files` in chunks of `chunkRows` and resolves once three chunks have committed
 * (the import is under way): the import still running, and the time each chunk committed.
 */
async function importUnderWay(db: Db, files: readonly ExportedFile[], chunkRows: number) {
  const chunksAt: number[] = [];
  let started: () => void;
  const underWay = new Promise<void>((resolve) => (started = resolve));
  const importing = importAll(db, files, chunkRows, () => {
    chunksAt.push(performance.now());
    if (chunksAt.length === 3) started();
  });
  await underWay;
  return { importing, chunksAt };
}

/**
 * Holds, for `ms`, an uncommitted registration of the snapshot of `asOf` (rolled back after), so
 * a build of that date waits at its end with its rows written.
 */
async function holdRegistration(db: Db, asOf: string, ms: number): Promise<void> {
  const rollback = new Error("rolled back on purpose");
  let held: () => void;
  const inserted = new Promise<void>((resolve) => (held = resolve));
  const holding = db
    .transaction(async (tx) => {
      await tx.execute(sql`insert into hub.coverage_snapshots (as_of, children) values (${asOf}, 0)`);
      held();
      await new Promise((resolve) => setTimeout(resolve, ms));
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  await inserted;
  return holding;
}

describe.each(ENGINES)("coverage equals a rebuild on %s", (engine) => {
  let dir: string;
  let places: ExportedFile[];
  let childRecords: ExportedFile[];
  let details: ExportedFile[];
  const databases: TestDatabase[] = [];
  const open = async () => {
    const database = await openTestDatabase(engine);
    databases.push(database);
    return database;
  };

  beforeAll(async () => {
    const source = await openTestDatabase(engine);
    await generateProvince(source.db, { children: 300, seed: 23, asOf: "2026-06-30" });
    dir = await mkdtemp(join(tmpdir(), "hub-rebuild-"));
    const files = await exportDepartmentFiles(source.db, dir, { format: "csv" });
    await source.close();
    places = files.filter((f) => PLACES.includes(f.kind));
    details = files.filter((f) => DETAILS.includes(f.kind));
    childRecords = files.filter((f) => !PLACES.includes(f.kind) && !DETAILS.includes(f.kind));
  }, 240_000);
  afterAll(async () => {
    for (const d of databases) await d.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("after every department file is imported in chunks, eligibility and contributions last", async () => {
    const { db } = await open();
    await importAll(db, places, 200);
    for (const asOf of DATES) await buildSnapshot(db, asOf);
    await importAll(db, [...childRecords, ...details], 60);

    expect(summary(await differencesFromRebuild(db))).toEqual(ALL_EQUAL(DATES));
  }, 300_000);

  it("after linkAll merges and splits children of an already linked province", async () => {
    const { db } = await open();
    await importAll(db, places, 200);
    await importAll(db, [...childRecords, ...details], 500);
    // Records that reach the tables without being linked (a bulk load, a correction by hand):
    // certificates whose identity now bridges two children, and immunization files whose
    // child's identity changed, so a whole link moves them.
    await db.execute(sql`
      update health.immunization_records set id_number = null, birth_certificate_number = null,
             child_name = child_name || '之二', birth_date = birth_date - 400
       where id in (select id from health.immunization_records order by id limit 15)`);
    await db.execute(sql`
      update insurance.enrollments e set id_number = p.id_number, birth_date = p.birth_date, name = p.name, sex = p.sex
        from (select id_number, birth_date, name, sex, row_number() over (order by id) as k
                from household.persons where id_number is not null) p,
             (select id, row_number() over (order by id desc) as k from insurance.enrollments) o
       where o.id = e.id and o.k = p.k and p.k <= 15`);
    for (const asOf of DATES) await buildSnapshot(db, asOf);

    const summaryOfLink = await linkAll(db);

    expect(summaryOfLink.linksClosed).toBeGreaterThan(0);
    expect(summaryOfLink.childrenMerged + summaryOfLink.newChildren).toBeGreaterThan(0);
    expect(summary(await differencesFromRebuild(db))).toEqual(ALL_EQUAL(DATES));
  }, 300_000);

  it("after an import that runs while linkAll re-links the province", async () => {
    const { db } = await open();
    await importAll(db, places, 200);
    await importAll(db, childRecords, 500);
    for (const asOf of DATES) await buildSnapshot(db, asOf);
    // Rows whose links a re-link changes (as in the linkAll case above), and the details file by
    // file in small chunks meanwhile: linkAll starts once the import is under way.
    await db.execute(sql`
      update health.immunization_records set id_number = null, birth_certificate_number = null,
             child_name = child_name || '之二', birth_date = birth_date - 400
       where id in (select id from health.immunization_records order by id limit 15)`);
    await db.execute(sql`
      update insurance.enrollments e set id_number = p.id_number, birth_date = p.birth_date, name = p.name, sex = p.sex
        from (select id_number, birth_date, name, sex, row_number() over (order by id) as k
                from household.persons where id_number is not null) p,
             (select id, row_number() over (order by id desc) as k from insurance.enrollments) o
       where o.id = e.id and o.k = p.k and p.k <= 15`);
    const { importing, chunksAt } = await importUnderWay(db, details, 5);
    const linkStart = performance.now();
    await linkAll(db);
    const linkEnd = performance.now();
    await importing;

    // What the re-link changes depends on which chunks came first (a dose chunk re-links the files
    // it names, the modified ones among them): the merges themselves are the case above; here the
    // point is the interleaving.
    // The import was under way before the re-link and went on after it (linkAll takes the linkage
    // lock that import batches take, so their chunks interleave with it, not inside it).
    expect(chunksAt.filter((t) => t < linkStart).length).toBeGreaterThanOrEqual(3);
    expect(chunksAt.filter((t) => t > linkEnd).length).toBeGreaterThan(0);
    // Nothing lost or doubled: every row of every details file is stored, once.
    for (const file of details) {
      const [stored] = await queryRows<{ n: number | string }>(
        db,
        sql`select count(*) as n from ${kindOf(file).table}`,
      );
      expect(Number(stored!.n), file.kind).toBe(file.rows);
    }
    expect(summary(await differencesFromRebuild(db))).toEqual(ALL_EQUAL(DATES));
  }, 300_000);

  it("after an import that runs while a snapshot of a new date is built", async () => {
    const { db } = await open();
    await importAll(db, places, 200);
    await buildSnapshot(db, DATES[0]);
    const late = childRecords.filter(
      (f) => f.kind === "insurance.enrollment" || f.kind === "education.student_registration",
    );
    await importAll(
      db,
      childRecords.filter((f) => !late.includes(f)),
      500,
    );
    // The import goes on in small chunks; the build starts once it is under way and must end
    // before it does, so chunks commit before, during and after the build.
    const { importing, chunksAt } = await importUnderWay(db, [...late, ...details], 5);
    // On PostgreSQL, a transaction holding the new date's registration keeps the build from
    // finishing for a while, so chunks certainly commit while its rows are being written.
    const holding = engine === "postgres" ? holdRegistration(db, DATES[1], 1_500) : Promise.resolve();
    const buildStart = performance.now();
    await buildSnapshot(db, DATES[1], { batchSize: 50 });
    const buildEnd = performance.now();
    await Promise.all([importing, holding]);

    // On PostgreSQL they truly overlap; PGlite runs one transaction at a time.
    if (engine === "postgres") expect(chunksAt.filter((t) => t > buildStart && t < buildEnd).length).toBeGreaterThan(0);
    expect(chunksAt.filter((t) => t > buildEnd).length).toBeGreaterThan(0);
    expect(summary(await differencesFromRebuild(db))).toEqual(ALL_EQUAL(DATES));
  }, 300_000);
});
