import DataLoader from "dataloader";
import type { Db } from "../../db/client.ts";
import { groupBy } from "../../graphql/loaders.ts";
import {
  activeEnrollmentCounts,
  areasByCode,
  assistanceByIdNumbers,
  contributionsOfEnrollments,
  enrollmentPagesOfAreas,
  enrollmentsByIdNumbers,
  enrollmentsOfChildren,
  type AreaRow,
  type AssistanceRow,
  type ContributionRow,
  type EnrollmentRow,
  type LinkedEnrollmentRow,
} from "./queries.ts";

/** Postgres bind-parameter limits and statement sizes stay bounded whatever a page holds. */
const MAX_BATCH = 1_000;

/** One page of an area's enrollments for a year: `limit` rows after enrollment id `afterId`. */
export interface AreaEnrollmentsKey {
  areaCode: string;
  coverageYear: number;
  afterId: number;
  limit: number;
}

export interface AreaYearKey {
  areaCode: string;
  coverageYear: number;
}

export interface InsuranceLoaders {
  /** The child's linked enrollments, newest coverage year first. */
  enrollmentsByChild: DataLoader<number, EnrollmentRow[]>;
  /** Every enrollment under an ID number, with the child it is linked to. */
  enrollmentsByIdNumber: DataLoader<string, LinkedEnrollmentRow[]>;
  contributionsByEnrollment: DataLoader<string, ContributionRow[]>;
  area: DataLoader<string, AreaRow | null>;
  assistanceByIdNumber: DataLoader<string, AssistanceRow[]>;
  /** A page of an area's enrollments for a year, each with the child it is linked to. */
  areaEnrollments: DataLoader<AreaEnrollmentsKey, LinkedEnrollmentRow[], string>;
  activeEnrollmentCount: DataLoader<AreaYearKey, number, string>;
}

export function createInsuranceLoaders(db: Db): InsuranceLoaders {
  return {
    enrollmentsByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await enrollmentsOfChildren(db, ids), (r) => r.childId);
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    enrollmentsByIdNumber: new DataLoader(
      async (idNumbers) => {
        const byIdNumber = groupBy(await enrollmentsByIdNumbers(db, idNumbers), (r) => r.idNumber ?? "");
        return idNumbers.map((n) => byIdNumber.get(n) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    contributionsByEnrollment: new DataLoader(
      async (recordIds) => {
        const byEnrollment = groupBy(await contributionsOfEnrollments(db, recordIds), (c) => c.enrollmentRecordId);
        return recordIds.map((id) => byEnrollment.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    area: new DataLoader(
      async (codes) => {
        const byCode = new Map((await areasByCode(db, codes)).map((a) => [a.areaCode, a]));
        return codes.map((c) => byCode.get(c) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    assistanceByIdNumber: new DataLoader(
      async (idNumbers) => {
        const byIdNumber = groupBy(await assistanceByIdNumbers(db, idNumbers), (r) => r.idNumber);
        return idNumbers.map((n) => byIdNumber.get(n) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    areaEnrollments: new DataLoader(
      async (keys) => {
        // Keys asking for the same year, cursor and size share one statement (the usual case:
        // one list of areas, each asked the same page).
        const pages = new Map<string, LinkedEnrollmentRow[]>();
        const groups = groupBy(keys, (k) => `${k.coverageYear}|${k.afterId}|${k.limit}`);
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const { coverageYear, afterId, limit } = group[0]!;
            const rows = await enrollmentPagesOfAreas(
              db,
              [...new Set(group.map((k) => k.areaCode))],
              coverageYear,
              afterId,
              limit,
            );
            for (const [areaCode, areaRows] of groupBy(rows, (r) => r.pageAreaCode))
              pages.set(pageKey({ areaCode, coverageYear, afterId, limit }), areaRows);
          }),
        );
        return keys.map((k) => pages.get(pageKey(k)) ?? []);
      },
      { maxBatchSize: MAX_BATCH, cacheKeyFn: pageKey },
    ),
    activeEnrollmentCount: new DataLoader(
      async (keys) => {
        const counts = new Map<string, number>();
        const groups = groupBy(keys, (k) => k.coverageYear);
        await Promise.all(
          [...groups].map(async ([coverageYear, group]) => {
            const byArea = await activeEnrollmentCounts(db, [...new Set(group.map((k) => k.areaCode))], coverageYear);
            for (const [areaCode, n] of byArea) counts.set(areaYearKey({ areaCode, coverageYear }), n);
          }),
        );
        return keys.map((k) => counts.get(areaYearKey(k)) ?? 0);
      },
      { maxBatchSize: MAX_BATCH, cacheKeyFn: areaYearKey },
    ),
  };
}

function pageKey(k: AreaEnrollmentsKey): string {
  return `${k.areaCode}|${k.coverageYear}|${k.afterId}|${k.limit}`;
}

function areaYearKey(k: AreaYearKey): string {
  return `${k.areaCode}|${k.coverageYear}`;
}
