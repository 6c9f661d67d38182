import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Db } from "../../src/db/client.ts";
import { makeIdNumber } from "../../src/domain/id-number.ts";
import { exportDepartmentFiles, type ExportedFile } from "../../src/generator/export-files.ts";
import { generateProvince } from "../../src/generator/index.ts";
import { ingestBatch } from "../../src/ingest/batch.ts";
import { importFile } from "../../src/ingest/file.ts";
import type { RawRow, RecordKind } from "../../src/ingest/kind.ts";
import { birthCertificateKind } from "../../src/ingest/kinds/health.ts";
import { guardianshipKind, personKind } from "../../src/ingest/kinds/household.ts";
import { RECORD_KINDS } from "../../src/ingest/kinds/index.ts";
import { linkAll } from "../../src/linkage/link.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

/**
 * What the master child index says, as sets of records (child ids differ with the order things
 * happened in; the partition must not): the records of each child, those of the children left
 * unresolved, and the records an open review is about.
 */
interface IndexState {
  children: string[];
  unresolved: string[];
  reviewed: string[];
}

async function indexState(db: Db): Promise<IndexState> {
  const children = await queryRows<{ records: string }>(
    db,
    sql`select string_agg(l.source || ':' || l.record_id, ' ' order by l.source, l.record_id) as records
        from hub.links l where l.unlinked_at is null group by l.child_id`,
  );
  const unresolved = await queryRows<{ records: string }>(
    db,
    sql`select string_agg(l.source || ':' || l.record_id, ' ' order by l.source, l.record_id) as records
        from hub.links l join hub.children c on c.id = l.child_id
        where l.unlinked_at is null and c.unresolved and c.state = 'ACTIVE' group by l.child_id`,
  );
  const reviewed = await queryRows<{ record: string }>(
    db,
    sql`select source || ':' || record_id as record from hub.link_reviews where status = 'OPEN'`,
  );
  return {
    children: children.map((r) => r.records).sort(),
    unresolved: unresolved.map((r) => r.records).sort(),
    reviewed: reviewed.map((r) => r.record).sort(),
  };
}

const kindOf = (file: ExportedFile): RecordKind => RECORD_KINDS.find((k) => k.name === file.kind)!;

describe.each(ENGINES)("linking department files in any order on %s", (engine) => {
  let dir: string;
  let files: ExportedFile[];
  let whole: IndexState;

  beforeAll(async () => {
    const source = await openTestDatabase(engine);
    await generateProvince(source.db, { children: 250, seed: 19, asOf: "2026-06-30" });
    dir = await mkdtemp(join(tmpdir(), "hub-orders-"));
    files = await exportDepartmentFiles(source.db, dir, { format: "csv" });
    await source.close();
    // The reference: every file imported, then the province linked whole, from scratch (the
    // index emptied as its owner: the serving role may not truncate).
    const reference = await openTestDatabase(engine);
    for (const file of files) await importFile(reference.db, kindOf(file), file.path, { format: "csv" });
    await (
      await reference.owner()
    ).db.execute(
      sql`truncate hub.unresolved_children, hub.link_reviews, hub.links, hub.child_events, hub.children cascade`,
    );
    await linkAll(reference.db);
    whole = await indexState(reference.db);
    await reference.close();
  }, 240_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("links the same children, unresolved ones and reviews as a whole link, in any order of files", async () => {
    // Several orders of the department files (places, details and children's records alike),
    // each imported in chunks of 150 rows: a file's later chunks meet its earlier ones too.
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(files, { minLength: files.length }), async (order) => {
        const database = await openTestDatabase(engine);
        try {
          for (const file of order)
            await importFile(database.db, kindOf(file), file.path, { format: "csv", chunkRows: 150 });
          expect(await indexState(database.db)).toEqual(whole);
        } finally {
          await database.close();
        }
      }),
      { numRuns: 3, seed: 19 },
    );
  }, 300_000);
});

describe.each(ENGINES)("a newborn's household record and its guardianship, in any order, on %s", (engine) => {
  const mother = makeIdNumber({ regionCode: "330106", birthDate: "1995-06-01", sequence: 22 });
  const father = makeIdNumber({ regionCode: "330106", birthDate: "1993-02-11", sequence: 17 });
  const child = makeIdNumber({ regionCode: "330106", birthDate: "2026-05-01", sequence: 31 });
  const batches: [RecordKind, RawRow][] = [
    [
      birthCertificateKind,
      {
        record_id: "BC-T1",
        certificate_number: "Y123456789",
        child_name: "王之子",
        sex: "M",
        birth_date: "2026-05-01",
        mother_name: "李娜",
        mother_id_number: mother,
        father_name: "王强",
        father_id_number: father,
        guardian_phone: "13800001234",
        hospital_code: "H33010601",
        region_code: "330106",
        issued_on: "2026-05-02",
      },
    ],
    [
      personKind,
      {
        record_id: "HP-T1",
        id_number: child,
        name: "王之子",
        sex: "M",
        birth_date: "2026-05-01",
        registration_kind: "LOCAL_HUKOU",
        hukou_region_code: "330106",
      },
    ],
    [
      guardianshipKind,
      {
        record_id: "HG-T1",
        child_record_id: "HP-T1",
        relation: "MOTHER",
        guardian_name: "李娜",
        guardian_id_number: mother,
        guardian_phone: "13800001234",
      },
    ],
  ];
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  let databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of databases) await d.close();
    databases = [];
  });

  it.each(orders)(
    "links the placeholder-named person to its certificate once its guardianship is in (order %i %i %i)",
    async (...order) => {
      const database = await openTestDatabase(engine);
      databases.push(database);
      for (const k of order) {
        const [kind, row] = batches[k]!;
        const report = await ingestBatch(database.db, kind, [row]);
        expect(report.rejected).toEqual([]);
        // The guardianship links its person again: the person moves to its certificate's child.
        if (kind === guardianshipKind && order.indexOf(k) === 2) expect(report.touchedChildren).toBeGreaterThan(0);
      }
      const state = await indexState(database.db);
      expect(state).toEqual({
        children: ["health.birth_certificate:BC-T1 household.person:HP-T1"],
        unresolved: [],
        reviewed: [],
      });
    },
  );
});
