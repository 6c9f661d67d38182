import { sql } from "drizzle-orm";
import { analyzeTables, type Db } from "../db/client.ts";
import * as t from "../db/schema.ts";
import { isValidIsoDate, type IsoDate } from "../domain/dates.ts";
import { annualContributionFen } from "./coverage-story.ts";
import { emptyRows, RecordIds, writeFamily, type ProvinceRows } from "./department-records.ts";
import { drawFamily, Registers } from "./family.ts";
import { buildLayout, type ProvinceLayout } from "./geography.ts";
import { Random } from "./random.ts";
import { TRUTH_DDL, truthChildren, truthMeta, truthRecords } from "./truth.tables.ts";
import { insertBatched } from "../db/bulk-insert.ts";

export interface GenerateOptions {
  children: number;
  seed: number;
  /** The day the province is seen at: nothing after it has happened yet. */
  asOf: IsoDate;
  /** Children per written chunk: bounds memory for millions of children. */
  chunkSize?: number;
  onProgress?: (progress: { children: number; total: number; rows: number }) => void;
}

export interface GenerateSummary {
  children: number;
  rows: Record<string, number>;
  milliseconds: number;
}

/**
 * Writes a synthetic province (Zhejiang's real division codes) into an empty, migrated
 * database, with the ground truth in the `truth` schema. Deterministic: the same seed, size and
 * as-of date give the same rows.
 *
 *   await generateProvince(db, { children: 10_000, seed: 7, asOf: "2026-06-30" });
 */
export async function generateProvince(db: Db, options: GenerateOptions): Promise<GenerateSummary> {
  if (!Number.isInteger(options.children) || options.children < 1)
    throw new Error(`children must be a whole number of at least 1, but got ${options.children}`);
  if (!isValidIsoDate(options.asOf)) throw new Error(`asOf must be a date like 2026-06-30, but got "${options.asOf}"`);
  const started = performance.now();
  const rng = new Random(options.seed);
  const registers = new Registers(rng);
  const ids = new RecordIds();
  const layout = buildLayout(rng, options.children);
  const counts: Record<string, number> = {};
  const count = (name: string, n: number) => (counts[name] = (counts[name] ?? 0) + n);

  for (const statement of TRUTH_DDL) await db.execute(sql.raw(statement));
  await writeLayout(db, layout, count);
  await db.insert(truthMeta).values([
    { key: "seed", value: String(options.seed) },
    { key: "children", value: String(options.children) },
    { key: "as_of", value: options.asOf },
  ]);

  const countyWeights = layout.counties.map((c) => [c, c.weight] as const);
  const chunkSize = options.chunkSize ?? 5_000;
  let made = 0;
  let families = 0;
  let childSerial = 0;
  while (made < options.children) {
    const rows = emptyRows();
    const ctx = { rng, asOf: options.asOf, layout, ids, rows };
    let inChunk = 0;
    while (inChunk < chunkSize && made < options.children) {
      families += 1;
      const family = drawFamily(rng, registers, {
        asOf: options.asOf,
        counties: layout.counties,
        countyWeights,
        remaining: options.children - made,
        familyKey: `F${String(families).padStart(8, "0")}`,
        nextChildKey: () => `C${String(++childSerial).padStart(8, "0")}`,
      });
      writeFamily(ctx, family);
      made += family.children.length;
      inChunk += family.children.length;
    }
    await writeRows(db, rows, count);
    options.onProgress?.({
      children: made,
      total: options.children,
      rows: Object.values(counts).reduce((a, b) => a + b, 0),
    });
  }
  // Fresh planner statistics after a bulk load (see linkAll): every department table just grew.
  await analyzeTables(db, [
    ...[t.persons, t.guardianships, t.birthCertificates, t.immunizationRecords, t.doctorContracts],
    ...[t.familyDoctors, t.vaccinationSites, t.schools, t.studentRegistrations, t.enrollments, t.contributions],
  ]);
  return { children: made, rows: counts, milliseconds: Math.round(performance.now() - started) };
}

async function writeLayout(db: Db, layout: ProvinceLayout, count: (name: string, n: number) => void) {
  const schools = [...layout.schools.values()].flatMap((byKind) => [...byKind.values()].flat());
  await insertBatched(
    db,
    t.schools,
    schools.map((s) => ({
      recordId: `SC-${s.schoolCode}`,
      schoolCode: s.schoolCode,
      name: s.name,
      kind: s.kind,
      regionCode: s.regionCode,
    })),
  );
  const sites = [...layout.sites.values()].flat();
  await insertBatched(
    db,
    t.vaccinationSites,
    sites.map((s) => ({ recordId: `VS-${s.code}`, siteCode: s.code, name: s.name, regionCode: s.regionCode })),
  );
  const hospitals = [...layout.hospitals.values()].flat();
  await insertBatched(
    db,
    t.hospitals,
    hospitals.map((h) => ({ recordId: `HO-${h.code}`, hospitalCode: h.code, name: h.name, regionCode: h.regionCode })),
  );
  const doctors = [...layout.doctors.values()].flat();
  await insertBatched(
    db,
    t.familyDoctors,
    doctors.map((d) => ({
      recordId: `FD-${d.code}`,
      doctorCode: d.code,
      name: d.name,
      institution: d.institution,
      teamName: d.teamName,
      phone: d.phone,
      regionCode: d.regionCode,
    })),
  );
  await insertBatched(
    db,
    t.coordinationAreas,
    layout.areas.map((a) => ({
      recordId: `CA-${a.areaCode}`,
      areaCode: a.areaCode,
      name: a.name,
      windowOpens: "09-01",
      windowCloses: "12-31",
      annualContributionFen: annualContributionFen(2025),
    })),
  );
  count("schools", schools.length);
  count("vaccinationSites", sites.length);
  count("hospitals", hospitals.length);
  count("familyDoctors", doctors.length);
  count("coordinationAreas", layout.areas.length);
}

async function writeRows(db: Db, rows: ProvinceRows, count: (name: string, n: number) => void) {
  await db.transaction(async (tx) => {
    const txDb = tx as unknown as Db;
    await insertBatched(txDb, t.households, rows.households);
    await insertBatched(txDb, t.persons, rows.persons);
    await insertBatched(txDb, t.guardianships, rows.guardianships);
    await insertBatched(txDb, t.birthCertificates, rows.birthCertificates);
    await insertBatched(txDb, t.immunizationRecords, rows.immunizationRecords);
    await insertBatched(txDb, t.immunizationDoses, rows.immunizationDoses);
    await insertBatched(txDb, t.doctorContracts, rows.doctorContracts);
    await insertBatched(txDb, t.studentRegistrations, rows.studentRegistrations);
    await insertBatched(txDb, t.enrollments, rows.enrollments);
    await insertBatched(txDb, t.contributions, rows.contributions);
    await insertBatched(txDb, t.assistanceEligibility, rows.assistanceEligibility);
    await insertBatched(txDb, truthChildren, rows.truthChildren);
    await insertBatched(txDb, truthRecords, rows.truthRecords);
  });
  for (const [name, list] of Object.entries(rows)) count(name, (list as unknown[]).length);
}
