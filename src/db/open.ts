import { sql } from "drizzle-orm";
import type { Config } from "../config/index.ts";
import { createDatabase, type Database, type DatabaseOptions } from "./client.ts";
import { migrateDatabase } from "./migrate.ts";

/** Opens the configured database and brings its schema up to date: what every entry point does first. */
export async function openMigratedDatabase(config: Config, options: DatabaseOptions = {}): Promise<Database> {
  const database = await createDatabase(config.database, options);
  try {
    await migrateDatabase(database, config.migrationsDir);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** Every schema the hub or its generator creates: dropped together by `seed --reset`. */
const ALL_SCHEMAS = ["household", "health", "education", "insurance", "hub", "audit", "ingest", "truth", "drizzle"];

export async function dropEverything(database: Database): Promise<void> {
  for (const schema of ALL_SCHEMAS) await database.db.execute(sql.raw(`drop schema if exists ${schema} cascade`));
}
