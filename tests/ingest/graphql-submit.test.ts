import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEPARTMENTS, type AuthenticatedViewer, type Department } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { kindEnumValue, MAX_SUBMITTED_ROWS, submitMutationName } from "../../src/graphql/submit-records.ts";
import type { RecordKind } from "../../src/ingest/kind.ts";
import { kindsOf } from "../../src/ingest/kinds/index.ts";
import { departmentSystemViewer, headersFor } from "../kit/auth.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";

const AS_OF = "2026-06-30";
const REPORT = "accepted updated unchanged rejectedRows touchedChildren rejected { index recordId field message }";

interface Report {
  accepted: number;
  updated: number;
  unchanged: number;
  rejectedRows: number;
  touchedChildren: number;
  rejected: { index: number; recordId: string | null; field: string; message: string }[];
}

function submitMutation(department: Department): string {
  const type = `${department[0]!.toUpperCase()}${department.slice(1)}RecordKind`;
  const mutation = submitMutationName(department);
  return `mutation Submit($kind: ${type}!, $rows: [RecordRow!]!) {
    ${mutation}(kind: $kind, rows: $rows) { ${REPORT} } }`;
}

/** A row in the mutation's shape: one { column, value } per cell, in the order given. */
const asRow = (cells: Record<string, string> | [string, string][]) => ({
  fields: (Array.isArray(cells) ? cells : Object.entries(cells)).map(([column, value]) => ({ column, value })),
});

/**
 * A row of `kind` made of its documented examples (valid or not: for calls that must be refused
 * before any row is read).
 */
const exampleRow = (kind: RecordKind) => asRow(Object.fromEntries(kind.columns.map((c) => [c.name, c.example])));

const REGISTRATION_COLUMNS =
  "record_id, student_number, coalesce(id_number, '') as id_number, name, sex, birth_date::text, school_code, " +
  "grade::text, class_name, school_year::text, status, coalesce(guardian_phone, '') as guardian_phone";

describe.each(ENGINES)("submitting records through the gateway on %s", (engine) => {
  let hub: TestHub;
  let sent: Record<string, string>[];
  let educationSystem: Record<string, string>;

  const countOf = async (kind: RecordKind) => Number(await hub.database.db.$count(kind.table));
  const submit = async (department: Department, kind: string, rows: unknown[], headers: Record<string, string>) =>
    hub.gateway.execute(submitMutation(department), { kind, rows }, headers);

  beforeAll(async () => {
    hub = await startTestHub(engine, { children: 300, seed: 9, asOf: AS_OF });
    sent = await queryRows<Record<string, string>>(
      hub.database.db,
      sql.raw(`select ${REGISTRATION_COLUMNS} from education.student_registrations order by id limit 6`),
    );
    educationSystem = await headersFor(departmentSystemViewer("education", "33"));
  }, 120_000);
  afterAll(async () => hub?.close());

  /** One unchanged, one changed and one new registration, then three bad rows of different kinds. */
  const mixedBatch = () => [
    asRow(sent[0]!),
    asRow({ ...sent[1]!, class_name: "9班" }),
    asRow({ ...sent[2]!, record_id: "GQL-NEW-1", school_year: "2027" }),
    asRow({ ...sent[3]!, record_id: "GQL-BAD-1", birth_date: "2015-02-30" }),
    asRow({ ...sent[4]!, record_id: "GQL-BAD-2", nickname: "小明" }),
    asRow([...Object.entries({ ...sent[5]!, record_id: "GQL-BAD-3" }), ["class_name", "3班"]]),
  ];

  it("writes the good rows of a mixed batch and reports every bad one by row, column and reason", async () => {
    const result = await submit("education", "STUDENT_REGISTRATION", mixedBatch(), educationSystem);

    expect(result.errors).toBeUndefined();
    const report = result.data!.submitEducationRecords as Report;
    expect(report).toMatchObject({ accepted: 1, updated: 1, unchanged: 1, rejectedRows: 3 });
    expect(report.rejected.map((r) => [r.index, r.recordId, r.field])).toEqual([
      [3, "GQL-BAD-1", "birth_date"],
      [4, "GQL-BAD-2", "nickname"],
      [5, "GQL-BAD-3", "class_name"],
    ]);
    expect(report.rejected[0]!.message).toMatch(/must be a date like 2026-06-30, but got "2015-02-30"/);
    expect(report.rejected[1]!.message).toMatch(/is not a column of education\.student_registration/);
    expect(report.rejected[2]!.message).toBe("must appear once in a row, but appears 2 times");
    const stored = await queryRows<{ record_id: string; class_name: string }>(
      hub.database.db,
      sql`select record_id, class_name from education.student_registrations
          where record_id in (${sent[1]!.record_id}, 'GQL-NEW-1', 'GQL-BAD-1', 'GQL-BAD-2', 'GQL-BAD-3')
          order by record_id`,
    );
    expect(stored.map((r) => r.record_id).sort()).toEqual(["GQL-NEW-1", sent[1]!.record_id].sort());
    expect(stored.find((r) => r.record_id === sent[1]!.record_id)!.class_name).toBe("9班");
  });

  it("changes nothing when the same batch is submitted again", async () => {
    const result = await submit("education", "STUDENT_REGISTRATION", mixedBatch(), educationSystem);

    expect(result.errors).toBeUndefined();
    expect(result.data!.submitEducationRecords).toMatchObject({
      accepted: 0,
      updated: 0,
      unchanged: 3,
      rejectedRows: 3,
      touchedChildren: 0,
    });
  });

  it("refuses another department's mutation to a department system, and writes nothing", async () => {
    const enrollments = kindsOf("insurance").find((k) => k.name === "insurance.enrollment")!;
    const before = await countOf(enrollments);

    const result = await submit(
      "insurance",
      kindEnumValue(enrollments.name),
      [exampleRow(enrollments)],
      educationSystem,
    );

    expect(result.data?.submitInsuranceRecords ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(await countOf(enrollments)).toBe(before);
  });

  it.each(DEPARTMENTS)("refuses submit%sRecords to a school administrator, and writes nothing", async (department) => {
    const schoolAdmin: AuthenticatedViewer = {
      subject: "test-school-admin",
      role: "school_admin",
      scope: { schools: [sent[0]!.school_code!] },
    };
    const kind = kindsOf(department)[0]!;
    const before = await countOf(kind);

    const result = await submit(
      department,
      kindEnumValue(kind.name),
      [exampleRow(kind)],
      await headersFor(schoolAdmin),
    );

    expect(result.data?.[submitMutationName(department)] ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(await countOf(kind)).toBe(before);
  });

  it("refuses, row by row, a record placed outside the system's region", async () => {
    const hangzhou = await headersFor(departmentSystemViewer("education", "3301"));
    const school = (recordId: string, code: string, region: string) =>
      asRow({
        record_id: recordId,
        school_code: code,
        name: `测试学校${recordId}`,
        kind: "PRIMARY",
        region_code: region,
      });

    const result = await submit(
      "education",
      "SCHOOL",
      [school("GQL-SCH-IN", "9990106001", "330106"), school("GQL-SCH-OUT", "9990203001", "330203")],
      hangzhou,
    );

    expect(result.errors).toBeUndefined();
    const report = result.data!.submitEducationRecords as Report;
    expect(report).toMatchObject({ accepted: 1, rejectedRows: 1 });
    expect(report.rejected).toEqual([
      {
        index: 1,
        recordId: "GQL-SCH-OUT",
        field: "region_code",
        message: expect.stringMatching(/must lie in region 3301 .*but got "330203"/),
      },
    ]);
    const stored = await queryRows<{ record_id: string }>(
      hub.database.db,
      sql`select record_id from education.schools where record_id like 'GQL-SCH-%'`,
    );
    expect(stored.map((r) => r.record_id)).toEqual(["GQL-SCH-IN"]);
  });

  it("refuses a batch over the row limit as a whole, naming the limit", async () => {
    const rows = Array.from({ length: MAX_SUBMITTED_ROWS + 1 }, () => ({ fields: [] }));

    const result = await submit("education", "SCHOOL", rows, educationSystem);

    expect(result.data?.submitEducationRecords ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors![0]!.message).toBe(
      `rows: may hold at most ${MAX_SUBMITTED_ROWS} rows per call, but got ${MAX_SUBMITTED_ROWS + 1}; ` +
        "send them in several calls, or as a file with `npm run import`",
    );
  });
});
