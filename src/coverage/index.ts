/**
 * The coverage engine: pure status rules over a child's linked records (rules.ts). The SQL that
 * maintains the status table and the GraphQL in the hub come with the rest of issue #6.
 */
export { assessCoverage, coordinationAreaOf, statusOf } from "./rules.ts";
export * from "./types.ts";
