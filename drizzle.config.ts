import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./migrations",
  // Only the hub's own schemas: the generator's `truth` schema is not the application's.
  schemaFilter: ["household", "health", "education", "insurance", "hub", "audit", "ingest"],
});
