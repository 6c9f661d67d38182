/**
 * Every table the hub owns, one Postgres schema per owner. drizzle-kit generates the
 * migrations from this file; the typed client is built on it.
 */
export * from "../subgraphs/household/tables.ts";
export * from "../subgraphs/health/tables.ts";
export * from "../subgraphs/education/tables.ts";
export * from "../subgraphs/insurance/tables.ts";
export * from "../subgraphs/hub/tables.ts";
export * from "../auth/audit.tables.ts";
export * from "../coverage/tables.ts";
export * from "../ingest/tables.ts";
