import { bigint, text } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { childScopeViewSql } from "../source-queries.ts";
import { hubSchema } from "./hub.ts";

/**
 * `hub.child_scope`: where each master child is placed by its departments' current records,
 * one row per (child, facet, code). Generated from the source registry's places
 * (src/db/sources.ts); row access (src/access/rows) is one filter on it, in every subgraph.
 */
export const childScope = hubSchema
  .view("child_scope", {
    childId: bigint("child_id", { mode: "number" }).notNull(),
    facet: text("facet").notNull(),
    code: text("code"),
  })
  .as(sql.raw(childScopeViewSql()));
