import DataLoader from "dataloader";
import type { SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import type { SourceKind } from "../../db/enums.ts";
import { recordInRegion } from "../../db/source-queries.ts";
import { SOURCES } from "../../db/sources.ts";
import type { Viewer } from "../identity/viewer.ts";
import {
  childIdsInScope,
  childInScope,
  snapshotRowInScope,
  memberInScope,
  placeCondition,
  statisticsCondition,
  type PlaceColumns,
  type StatisticsColumns,
} from "./conditions.ts";
import {
  carriedFacetsReach,
  facetMatchOf,
  listingMatchOf,
  placeInScope,
  type CarriedFacets,
  type RecordPlace,
} from "./facets.ts";
import { ROW_SCOPES, rowFilterFor, type RowFilter } from "./scopes.ts";

/**
 * A viewer's rows, one object per request, made from ROW_SCOPES (scopes.ts) once: what every
 * path that hands out a child applies. Subgraphs receive it in `createLoaders(db, rows)`, so
 * the statements and batch functions that read children apply it where the rows are read:
 *
 * - one child by id (root lookups, nested `child` fields, `_entities`): `canSee`, batched, one
 *   statement per batch however many children a page holds;
 * - containers (a school's roster, a doctor's patients, an area's enrollments, review
 *   candidates, coverage lists): `placeInScope` for the container, then `childCondition` /
 *   `memberCondition` in the statement, or `visibleMembers` in the batch function.
 *
 * A child outside the rows is indistinguishable from one that does not exist.
 */
export interface RowAccess {
  /** Whose rows these are. */
  readonly viewer: Viewer;
  readonly filter: RowFilter;
  /** Whether the viewer may reach this master child (batched with every other call in the tick). */
  canSee(childId: number): Promise<boolean>;
  /** The ids of `childIds` the viewer may reach, in the order given. */
  visible(childIds: readonly number[]): Promise<number[]>;
  /** Whether a department record (or the container listing them) sits inside the scope. */
  placeInScope(place: RecordPlace): boolean;
  /**
   * Which of a child's records of `source` the viewer reads (ROW_SCOPES' `regionRecords`): null
   * for all of them, else a SQL condition on the record's id (`recordId`, a qualified column of
   * the statement) that it lies in the viewer's region. A department system reads its own
   * department's records of its region only; a health, education or household officer their
   * department's of their region (#18.8).
   */
  recordCondition(source: SourceKind, recordId: SQL): SQL | null;
  /** `placeInScope` as a SQL condition over a statement's columns: what a lookup folds into its own statement. */
  placeCondition(place: PlaceColumns): SQL;
  /**
   * Tells the batched check that these children are inside the rows, because a statement that
   * applied `childCondition` found them: the next path that asks (another subgraph of the same
   * request, in process) is answered without a statement.
   */
  primeVisible(childIds: readonly number[]): void;
  /**
   * A SQL condition: the child id `childId` is inside the scope (for list queries). Pass a
   * qualified column (`s.child_id`): a bare `child_id` would bind to the scope view's own column.
   */
  childCondition(childId: SQL): SQL;
  /**
   * A SQL condition on a coverage snapshot row aliased `s`: its child is inside the scope, tested
   * on the row itself (conditions.ts, `snapshotRowInScope`): what the gap lists and watchlists
   * read under.
   */
  snapshotRowCondition(): SQL;
  /**
   * A SQL condition: the child `childId` is placed inside the region `prefix` by a place the
   * viewer's rows come from, inside the viewer's own region (facets.ts, `listingMatchOf`): what a
   * list by region filters on, so the filter tells nothing of places the viewer may not read.
   */
  placedWithin(childId: SQL, prefix: string): SQL;
  /** Whether records carrying these facets (facets.ts, CarriedFacets) place every linked child inside the rows. */
  reaches(carried: CarriedFacets): boolean;
  /**
   * A SQL condition on a container's row linked to `childId` (NULL while unlinked): unlinked, or
   * its child inside the rows. Null when `carried`, what every record of the container places its
   * child at, already reaches the rows: the statement then needs no condition at all.
   */
  memberCondition(childId: SQL, carried?: CarriedFacets): SQL | null;
  /**
   * The records of a container the viewer may see, in order: unlinked ones (placed by the
   * container alone) and those whose child is inside the rows. Records whose carried facets
   * reach the rows are kept without a question; the rest are checked in one batched statement.
   */
  visibleMembers<R>(
    records: readonly R[],
    childOf: (record: R) => number | null | undefined,
    carriedOf?: (record: R) => CarriedFacets,
  ): Promise<R[]>;
  /**
   * A SQL condition for aggregates (ROW_SCOPES[role].statistics): children resident in the
   * viewer's region, of their schools, or under contract with them; `false` for nobody.
   */
  statisticsCondition(columns: StatisticsColumns): SQL;
  /** Roles that may see no individual child get small cells suppressed in every aggregate. */
  readonly suppressSmallCells: boolean;
  /** What `statisticsCondition` filters on (ROW_SCOPES[role].statistics). */
  readonly statisticsBy: "region" | "schools" | "doctor" | "none";
}

const MAX_BATCH = 1_000;

const departmentOfSource = (source: SourceKind) => SOURCES[source].department;

export function createRowAccess(db: Db, viewer: Viewer): RowAccess {
  const filter = rowFilterFor(viewer);
  const match = facetMatchOf(filter);
  const gate = new DataLoader<number, boolean>(
    async (ids) => {
      const seen = await childIdsInScope(db, match, ids);
      return ids.map((id) => seen.has(id));
    },
    { maxBatchSize: MAX_BATCH },
  );
  const visible = async (childIds: readonly number[]) => {
    const allowed = await gate.loadMany(childIds);
    return childIds.filter((_, i) => allowed[i] === true);
  };
  const reaches = (carried: CarriedFacets) => carriedFacetsReach(match, carried);
  return {
    viewer,
    filter,
    canSee: (childId) => gate.load(childId),
    visible,
    placeInScope: (place) => placeInScope(filter, place),
    recordCondition: (source, recordId) =>
      filter.kind === "region" && filter.regionRecords === departmentOfSource(source)
        ? recordInRegion(source, recordId, filter.prefix)
        : null,
    placeCondition: (place) => placeCondition(filter, place),
    primeVisible: (childIds) => {
      for (const id of childIds) gate.prime(id, true);
    },
    childCondition: (childId) => childInScope(match, childId),
    snapshotRowCondition: () => snapshotRowInScope(match),
    placedWithin: (childId, prefix) => childInScope(listingMatchOf(match, prefix), childId),
    reaches,
    memberCondition: (childId, carried) => (carried && reaches(carried) ? null : memberInScope(match, childId)),
    async visibleMembers(records, childOf, carriedOf) {
      const asked = records.flatMap((r) => {
        const id = childOf(r);
        return id === null || id === undefined || (carriedOf && reaches(carriedOf(r))) ? [] : [id];
      });
      const seen = new Set(asked.length === 0 ? [] : await visible([...new Set(asked)]));
      return records.filter((r) => {
        const id = childOf(r);
        return id === null || id === undefined || (carriedOf && reaches(carriedOf(r))) || seen.has(id);
      });
    },
    statisticsCondition: (columns) => statisticsCondition(viewer, columns),
    suppressSmallCells: viewer.role === "anonymous" || ROW_SCOPES[viewer.role].children === "none",
    statisticsBy: viewer.role === "anonymous" ? "none" : ROW_SCOPES[viewer.role].statistics,
  };
}
