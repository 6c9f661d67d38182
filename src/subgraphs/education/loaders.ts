import DataLoader from "dataloader";
import { sql, type SQL } from "drizzle-orm";
import type { RowAccess } from "../../access/rows/row-access.ts";
import type { Db } from "../../db/client.ts";
import { childLookup, groupBy, type ChildLookup } from "../../graphql/loaders.ts";
import type { School } from "./education.type.ts";
import {
  enrolledCounts,
  latestRegistrationsInScope,
  registrationsByChild,
  rosterPages,
  schoolsByCode,
  type RegistrationRow,
  type RosterPage,
  type RosterRequest,
  type SchoolRow,
} from "./queries.ts";
import { registrationFacets, schoolPlace } from "./places.ts";

/** Postgres bind-parameter limits and statement sizes stay bounded whatever a page holds. */
const MAX_BATCH = 1_000;

/** A school's students for a school year (null: the school's latest), the school placing them. */
export interface StudentCountRequest {
  school: Pick<School, "code" | "regionCode">;
  schoolYear: number | null;
}

/** One page of a school's roster: the school, the school year, where the page starts and its size. */
export interface RosterKey extends StudentCountRequest {
  after: RosterRequest["after"];
  limit: number;
}

export interface EducationLoaders {
  /** A child by id inside the viewer's rows, else null: root lookups, nested fields and `_entities`. */
  child: ChildLookup;
  /** A child's linked registrations, newest school year first. */
  registrationsByChild: DataLoader<number, RegistrationRow[]>;
  /**
   * The latest registration under a student number (with its linked child), or null when there
   * is none, when its school is outside the viewer's schools or region (a missing school has no
   * region, so it is outside too), or when it is linked to a child outside the viewer's rows.
   */
  registrationByStudentNumber: DataLoader<string, RegistrationRow | null>;
  school: DataLoader<string, SchoolRow | null>;
  /**
   * One page of a school's roster; requests with equal fields share one entry. Null for a
   * school outside the viewer's scope; only students inside the viewer's rows (everyone
   * enrolled at a school of a school administrator, or of an education officer's region, is).
   */
  roster: DataLoader<RosterKey, RosterPage | null, string>;
  /** Enrolled students inside the viewer's rows, as `roster` lists them; null for a school outside the scope. */
  studentCount: DataLoader<StudentCountRequest, number | null, string>;
}

export function createEducationLoaders(db: Db, rows: RowAccess): EducationLoaders {
  const school = new DataLoader<string, SchoolRow | null>(
    async (codes) => {
      const byCode = new Map((await schoolsByCode(db, codes)).map((s) => [s.schoolCode, s]));
      return codes.map((c) => byCode.get(c) ?? null);
    },
    { maxBatchSize: MAX_BATCH },
  );
  return {
    child: childLookup(rows),
    registrationsByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(
          await registrationsByChild(db, ids, (recordId) => rows.recordCondition("education.student", recordId)),
          (r) => r.childId,
        );
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    registrationByStudentNumber: new DataLoader(
      async (numbers) => {
        const found = await latestRegistrationsInScope(
          db,
          numbers,
          (place) => rows.placeCondition({ schoolCode: place.code, regionCode: place.regionCode }),
          (childId) => rows.memberCondition(childId) ?? sql`true`,
        );
        const byNumber = new Map(found.map((r) => [r.studentNumber, r]));
        return numbers.map((n) => byNumber.get(n) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    school,
    roster: new DataLoader(
      (keys) =>
        perSchool(rows, keys, (group, inRows) =>
          rosterPages(
            db,
            group.map((k) => ({ schoolCode: k.school.code, schoolYear: k.schoolYear, after: k.after, limit: k.limit })),
            inRows,
          ),
        ),
      { maxBatchSize: MAX_BATCH, cacheKeyFn: (r) => JSON.stringify([r.school.code, r.schoolYear, r.after, r.limit]) },
    ),
    studentCount: new DataLoader(
      (keys) =>
        perSchool(rows, keys, (group, inRows) =>
          enrolledCounts(
            db,
            group.map((k) => ({ schoolCode: k.school.code, schoolYear: k.schoolYear })),
            inRows,
          ),
        ),
      { maxBatchSize: MAX_BATCH, cacheKeyFn: (r) => JSON.stringify([r.school.code, r.schoolYear]) },
    ),
  };
}

/**
 * Answers a batch of per-school requests (rosters, counts) under the viewer's rows: null for a
 * school outside the scope, without a statement; one statement for the schools whose enrolled
 * registrations place every linked student inside the rows by themselves (a school
 * administrator's own, an education officer's region's: read as they are), and one for any
 * others, with the rows a condition of it.
 */
async function perSchool<K extends StudentCountRequest, R>(
  rows: RowAccess,
  keys: readonly K[],
  read: (group: K[], inRows: (childId: SQL) => SQL | null) => Promise<R[]>,
): Promise<(R | null)[]> {
  const answers: (R | null)[] = keys.map(() => null);
  const asked = keys.flatMap((k, i) => (rows.placeInScope(schoolPlace(k.school)) ? [i] : []));
  const reachesAll = (i: number) => rows.reaches(registrationFacets(keys[i]!.school, "ENROLLED"));
  for (const [whole, group] of groupBy(asked, reachesAll)) {
    const found = await read(
      group.map((i) => keys[i]!),
      (childId) => (whole ? null : rows.memberCondition(childId)),
    );
    group.forEach((i, j) => (answers[i] = found[j] ?? null));
  }
  return answers;
}
