import DataLoader from "dataloader";
import type { Db } from "../../db/client.ts";
import { groupBy } from "../../graphql/loaders.ts";
import {
  enrolledCounts,
  registrationsByChild,
  registrationsByStudentNumber,
  rosterPages,
  schoolsByCode,
  type RegistrationRow,
  type RosterPage,
  type RosterRequest,
  type SchoolRow,
} from "./queries.ts";

/** Postgres bind-parameter limits and statement sizes stay bounded whatever a page holds. */
const MAX_BATCH = 1_000;

export interface StudentCountRequest {
  schoolCode: string;
  schoolYear: number | null;
}

export interface EducationLoaders {
  /** A child's linked registrations, newest school year first. */
  registrationsByChild: DataLoader<number, RegistrationRow[]>;
  /** The latest registration under a student number (with its linked child). */
  registrationByStudentNumber: DataLoader<string, RegistrationRow | null>;
  school: DataLoader<string, SchoolRow | null>;
  /** One page of a school's roster; requests with equal fields share one entry. */
  roster: DataLoader<RosterRequest, RosterPage, string>;
  studentCount: DataLoader<StudentCountRequest, number, string>;
}

export function createEducationLoaders(db: Db): EducationLoaders {
  return {
    registrationsByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await registrationsByChild(db, ids), (r) => r.childId);
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    registrationByStudentNumber: new DataLoader(
      async (numbers) => {
        const byNumber = groupBy(await registrationsByStudentNumber(db, numbers), (r) => r.studentNumber);
        return numbers.map((n) => byNumber.get(n)?.[0] ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    school: new DataLoader(
      async (codes) => {
        const byCode = new Map((await schoolsByCode(db, codes)).map((s) => [s.schoolCode, s]));
        return codes.map((c) => byCode.get(c) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    roster: new DataLoader((requests) => rosterPages(db, requests), {
      maxBatchSize: MAX_BATCH,
      cacheKeyFn: (r) => JSON.stringify([r.schoolCode, r.schoolYear, r.after, r.limit]),
    }),
    studentCount: new DataLoader((requests) => enrolledCounts(db, requests), {
      maxBatchSize: MAX_BATCH,
      cacheKeyFn: (r) => JSON.stringify([r.schoolCode, r.schoolYear]),
    }),
  };
}
