import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../config/limits.ts";
import { InputError } from "../errors.ts";

/**
 * Keyset paging shared by every connection of the graph and by the audit log: bounded page
 * sizes, opaque cursors (base64url of "c:" + the last row's key), `limit + 1` rows in, a page out.
 */

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount?: number | null;
}

/** Validates `first` against the bounds and decodes `after`; errors name the argument. */
export function pageArgs(
  first: number | null | undefined,
  after: string | null | undefined,
): { limit: number; after: string | null } {
  const limit = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InputError("first", `must be between 1 and ${MAX_PAGE_SIZE}, but got ${limit}`);
  }
  if (after == null) return { limit, after: null };
  const decoded = Buffer.from(after, "base64url").toString("utf8");
  if (!decoded.startsWith("c:")) {
    throw new InputError("after", `must be a cursor returned by this connection, but got "${after}"`);
  }
  return { limit, after: decoded.slice(2) };
}

export function encodeCursor(key: string | number): string {
  return Buffer.from(`c:${key}`, "utf8").toString("base64url");
}

/**
 * Turns `limit + 1` rows fetched in key order into a page: the extra row only says whether
 * there is a next page.
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  keyOf: (row: R) => string | number,
  nodeOf: (row: R) => T,
): Page<T> {
  const visible = rows.slice(0, limit);
  const edges = visible.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: nodeOf(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
}
