import DataLoader from "dataloader";
import type { SQL } from "drizzle-orm";
import type { RowAccess } from "../../access/rows/row-access.ts";
import type { Db } from "../../db/client.ts";
import { childLookup, groupBy, type ChildLookup } from "../../graphql/loaders.ts";
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
  /** A child by id inside the viewer's rows, else null: root lookups, nested fields and `_entities`. */
  child: ChildLookup;
  /**
   * The child's linked enrollments, newest coverage year first, each saying whether the viewer
   * is shown it (`RowAccess.recordCondition`: the insurance department's system, its region's).
   */
  enrollmentsByChild: DataLoader<number, (EnrollmentRow & { shown: boolean })[]>;
  /**
   * Every enrollment under an ID number inside the viewer's scope, with the child it is linked
   * to: enrollments in areas outside the scope, or linked to a child outside the viewer's rows,
   * are left out, so a child enrolled only elsewhere answers exactly as an ID number nobody is
   * enrolled under.
   */
  enrollmentsByIdNumber: DataLoader<string, LinkedEnrollmentRow[]>;
  contributionsByEnrollment: DataLoader<string, ContributionRow[]>;
  area: DataLoader<string, AreaRow | null>;
  assistanceByIdNumber: DataLoader<string, AssistanceRow[]>;
  /**
   * A page of an area's enrollments for a year, each with the child it is linked to; null for
   * an area outside the viewer's region (an area's enrollments are a list of children), and only
   * enrollments inside the viewer's rows.
   */
  areaEnrollments: DataLoader<AreaEnrollmentsKey, LinkedEnrollmentRow[] | null, string>;
  /** ACTIVE enrollments of an area for a year, counted as `areaEnrollments` lists them; null outside the region. */
  activeEnrollmentCount: DataLoader<AreaYearKey, number | null, string>;
}

export function createInsuranceLoaders(db: Db, rows: RowAccess): InsuranceLoaders {
  const inRegion = (areaCode: string) => rows.placeInScope({ regionCode: areaCode });
  // Every enrollment of an area places its linked child at `insurance_area`: an officer of the
  // region reaches them all, read as they are; anyone else only with the rows a condition.
  const reachesAll = (areaCode: string) => rows.reaches({ insurance_area: areaCode });
  const inRows = (whole: boolean) => (childId: SQL) => (whole ? null : rows.memberCondition(childId));
  return {
    child: childLookup(rows),
    enrollmentsByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(
          await enrollmentsOfChildren(db, ids, (recordId) => rows.recordCondition("insurance.enrollment", recordId)),
          (r) => r.childId,
        );
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    enrollmentsByIdNumber: new DataLoader(
      async (idNumbers) => {
        const placed = (await enrollmentsByIdNumbers(db, idNumbers)).filter((r) => inRegion(r.areaCode));
        const visible = await rows.visibleMembers(
          placed,
          (r) => r.childId,
          (r) => ({ insurance_area: r.areaCode }),
        );
        const byIdNumber = groupBy(visible, (r) => r.idNumber ?? "");
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
        const asked = keys.filter((k) => inRegion(k.areaCode));
        const groups = groupBy(asked, (k) => `${k.coverageYear}|${k.afterId}|${k.limit}|${reachesAll(k.areaCode)}`);
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const { coverageYear, afterId, limit, areaCode: first } = group[0]!;
            const areaCodes = [...new Set(group.map((k) => k.areaCode))];
            const found = await enrollmentPagesOfAreas(
              db,
              areaCodes,
              coverageYear,
              afterId,
              limit,
              inRows(reachesAll(first)),
            );
            const byArea = groupBy(found, (r) => r.pageAreaCode);
            for (const areaCode of areaCodes)
              pages.set(pageKey({ areaCode, coverageYear, afterId, limit }), byArea.get(areaCode) ?? []);
          }),
        );
        return keys.map((k) => pages.get(pageKey(k)) ?? null);
      },
      { maxBatchSize: MAX_BATCH, cacheKeyFn: pageKey },
    ),
    activeEnrollmentCount: new DataLoader(
      async (keys) => {
        const counts = new Map<string, number>();
        const asked = keys.filter((k) => inRegion(k.areaCode));
        const groups = groupBy(asked, (k) => `${k.coverageYear}|${reachesAll(k.areaCode)}`);
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const { coverageYear, areaCode: first } = group[0]!;
            const areaCodes = [...new Set(group.map((k) => k.areaCode))];
            const byArea = await activeEnrollmentCounts(db, areaCodes, coverageYear, inRows(reachesAll(first)));
            for (const areaCode of areaCodes)
              counts.set(areaYearKey({ areaCode, coverageYear }), byArea.get(areaCode) ?? 0);
          }),
        );
        return keys.map((k) => counts.get(areaYearKey(k)) ?? null);
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
