import DataLoader from "dataloader";
import { sql, type SQL } from "drizzle-orm";
import { decisionForViewer } from "../../access/fields/field-rules.ts";
import type { Viewer } from "../../access/identity/viewer.ts";
import type { RowAccess } from "../../access/rows/row-access.ts";
import { ErrorCode, HubError } from "../../errors.ts";
import type { Db } from "../../db/client.ts";
import { SOURCE_KINDS } from "../../db/enums.ts";
import { links } from "../../db/tables/hub.ts";
import { childLookup, groupBy, type ChildLookup, type ChildRef } from "../../graphql/loaders.ts";
import type { IsoDate } from "../../domain/dates.ts";
import {
  countGaps,
  countWatchlist,
  coverageOf,
  gaps,
  watchlist,
  type CoverageRow,
  type GapQuery,
  type WatchlistQuery,
} from "./coverage.queries.ts";
import { resolveIdentity, type ChildIdentity } from "./identity.ts";
import {
  activeChildIds,
  childIdByIdentifier,
  childIdsInRegion,
  currentLinks,
  identityClaims,
  type LinkRow,
} from "./queries.ts";
import { reviewPage, type ReviewPageQuery, type ScopedReviewRow } from "./review.queries.ts";

/** Postgres bind-parameter limits and statement sizes stay bounded whatever a page holds. */
const MAX_BATCH = 1_000;

/**
 * The hub's per-request readers: batched loaders for a child's fields, and the lists of children
 * (regions, coverage gaps, the newborn watchlist, the review queue), each read under the
 * viewer's rows in its own statement, so no resolver applies them by hand.
 */
export interface HubLoaders {
  /** A child by id: active and inside the viewer's rows, else null (root lookups, nested fields, `_entities`). */
  child: ChildLookup;
  /**
   * The active child inside the viewer's rows a department identifier belongs to, else null:
   * one statement whichever it is (the row check is part of it), so a child outside the rows
   * and an identifier nobody holds cost the same.
   */
  childByIdentifier(
    kind: "idNumber" | "birthCertificateNumber" | "studentNumber",
    value: string,
  ): Promise<ChildRef | null>;
  /** Whether a master child exists and is active (merged children are gone). */
  childExists: DataLoader<number, boolean>;
  identity: DataLoader<number, ChildIdentity>;
  sources: DataLoader<number, LinkRow[]>;
  /** A child's row of the coverage snapshot of a date (null: not a child on that date). */
  coverage: DataLoader<{ childId: number; asOf: IsoDate }, CoverageRow | null, string>;
  /** Children known to a region's departments, inside the viewer's rows, in id order: `limit + 1` ids. */
  childrenInRegion(prefix: string, afterId: number | null, limit: number): Promise<number[]>;
  /** Coverage gaps of children inside the viewer's rows, in urgency order (GapPosition): `limit + 1` rows. */
  coverageGaps(query: Omit<GapQuery, "inScope">): Promise<CoverageRow[]>;
  /** How many gaps such a list holds over all its pages, under the same rows. */
  countCoverageGaps(query: Omit<GapQuery, "inScope" | "after" | "limit">): Promise<number>;
  /** Newborns inside the viewer's rows whose deadline is near, soonest first: `limit + 1` rows. */
  newbornWatchlist(query: Omit<WatchlistQuery, "inScope">): Promise<CoverageRow[]>;
  /** How many newborns such a watchlist holds over all its pages, under the same rows. */
  countNewbornWatchlist(query: Omit<WatchlistQuery, "inScope" | "after" | "limit">): Promise<number>;
  /** A page of the review queue in the viewer's region, each saying whether its candidate may be shown. */
  linkReviews(query: ReviewPageQuery): Promise<ScopedReviewRow[]>;
}

export function createHubLoaders(db: Db, rows: RowAccess): HubLoaders {
  const childExists = new DataLoader<number, boolean>(
    async (ids) => {
      const active = await activeChildIds(db, ids);
      return ids.map((id) => active.has(id));
    },
    { maxBatchSize: MAX_BATCH },
  );
  // Qualified: inside the scope subquery a bare child_id would be the view's own column.
  const snapshotChildInRows = () => rows.snapshotRowCondition();
  return {
    child: childLookup(rows, (id) => childExists.load(id)),
    async childByIdentifier(kind, value) {
      const id = await childIdByIdentifier(db, kind, value, rows.childCondition(sql.raw("q.child_id")));
      if (id === null) return null;
      // Found active and inside the rows by that statement: the batched checks need not ask again.
      childExists.prime(id, true);
      rows.primeVisible([id]);
      return { id: String(id) };
    },
    childExists,
    identity: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await identityClaims(db, ids), (c) => c.childId);
        return ids.map((id) => resolveIdentity(byChild.get(id) ?? []));
      },
      { maxBatchSize: MAX_BATCH },
    ),
    coverage: new DataLoader(
      async (keys) => {
        const found = new Map<string, CoverageRow>();
        for (const [asOf, group] of groupBy(keys, (k) => k.asOf)) {
          for (const row of await coverageOf(
            db,
            asOf,
            group.map((k) => k.childId),
          ))
            found.set(`${asOf}:${row.childId}`, row);
        }
        return keys.map((k) => found.get(`${k.asOf}:${k.childId}`) ?? null);
      },
      { maxBatchSize: MAX_BATCH, cacheKeyFn: (k) => `${k.asOf}:${k.childId}` },
    ),
    sources: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await currentLinks(db, ids, linksShown(rows)), (r) => r.childId);
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    childrenInRegion: (prefix, afterId, limit) =>
      childIdsInRegion(
        db,
        afterId,
        limit,
        sql`${rows.childCondition(sql`c.id`)} and ${rows.placedWithin(sql`c.id`, prefix)}`,
      ),
    coverageGaps: async (query) => {
      requireReadableFilters(rows.viewer, query);
      return gaps(db, { ...query, inScope: snapshotChildInRows() });
    },
    countCoverageGaps: async (query) => {
      requireReadableFilters(rows.viewer, query);
      return countGaps(db, { ...query, inScope: snapshotChildInRows() });
    },
    newbornWatchlist: (query) => watchlist(db, { ...query, inScope: snapshotChildInRows() }),
    countNewbornWatchlist: (query) => countWatchlist(db, { ...query, inScope: snapshotChildInRows() }),
    linkReviews: (query) => reviewPage(db, rows, query),
  };
}

/**
 * Which of a child's links the viewer is told of: a link's record of a source the viewer reads
 * only inside its region (`RowAccess.recordCondition`) only when it lies there; null for all.
 */
function linksShown(rows: RowAccess): SQL | null {
  const recordId = sql`${links.recordId}`;
  const limited = SOURCE_KINDS.flatMap((kind) => {
    const condition = rows.recordCondition(kind, recordId);
    return condition === null ? [] : [{ kind, condition }];
  });
  if (limited.length === 0) return null;
  const kinds = sql.param(limited.map((l) => l.kind));
  const inside = limited.map(({ kind, condition }) => sql`(${links.source} = ${kind} and ${condition})`);
  return sql`(${links.source} <> all(${kinds}::text[]) or ${sql.join(inside, sql` or `)})`;
}

/**
 * What a gap-list filter tells about the children it keeps, as the fields that say it: a list
 * filtered by a reason or a hukou type names the children with that reason (NON_LOCAL_HUKOU is
 * one), a list filtered by a school the children the school is responsible for, a list of the
 * children the province cannot place where they live (or do not). A role the
 * policy table denies every such field may not filter by it either (#18.20): it would read the
 * field by another name.
 */
const FILTER_READS: Readonly<
  Record<"reason" | "leadingReason" | "hukouType" | "school" | "placeUnknown", readonly [string, string][]>
> = {
  reason: [["ChildCoverage", "reasons"]],
  leadingReason: [["ChildCoverage", "reasons"]],
  placeUnknown: [["Child", "residenceRegionCode"]],
  hukouType: [["ChildCoverage", "reasons"]],
  school: [
    ["ChildCoverage", "responsibleCode"],
    ["StudentRegistration", "school"],
  ],
};

function requireReadableFilters(viewer: Viewer, query: Partial<Record<keyof typeof FILTER_READS, unknown>>): void {
  for (const [filter, fields] of Object.entries(FILTER_READS)) {
    const value = query[filter as keyof typeof FILTER_READS];
    if (value === null || value === undefined) continue;
    if (fields.some(([type, field]) => decisionForViewer(viewer, type, field) !== "deny")) continue;
    const who = viewer.role === "anonymous" ? "an anonymous caller" : `role ${viewer.role}`;
    const read = fields.map((f) => f.join(".")).join(" or ");
    throw new HubError(
      ErrorCode.FORBIDDEN,
      `${who} may not filter coverageGaps by filter.${filter}: it may not read ${read}`,
    );
  }
}
