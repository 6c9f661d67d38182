/**
 * Every table the hub owns, one Postgres schema per owner. drizzle-kit generates the
 * migrations from this file; the typed client is built on it.
 */
export * from "./tables/household.ts";
export * from "./tables/health.ts";
export * from "./tables/education.ts";
export * from "./tables/insurance.ts";
export * from "./tables/hub.ts";
export * from "./tables/audit.ts";
export * from "./tables/coverage.ts";
export * from "./tables/settings.ts";
export * from "./tables/ingest.ts";
export * from "./tables/child-scope.ts";
export * from "./tables/followup.ts";
