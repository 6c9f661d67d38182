import DataLoader from "dataloader";
import { inArray } from "drizzle-orm";
import { decisionForViewer } from "../../access/fields/field-rules.ts";
import type { Viewer } from "../../access/identity/viewer.ts";
import type { Db } from "../../db/client.ts";
import { schools } from "../../db/tables/education.ts";
import { familyDoctors } from "../../db/tables/health.ts";
import { lookupDivision } from "../../domain/division-codes.ts";
import type { SubgraphContext } from "../../graphql/subgraph.ts";

/**
 * The names a gap list shows for codes: a child's residence and who should act on its gap
 * (CoverageGap.residenceRegionName, CoverageGap.responsibleName). A division's name comes from
 * GB/T 2260 in memory; a school's and a family doctor's from their departments' tables, one
 * statement per kind for a whole page of gaps (DataLoader, per request), never one per row.
 * The hub reads across departments (DESIGN.md); these are reference data, not a child's.
 */

/** Responsible actors whose code is a division: the office of that county or area. */
const REGION_ACTORS: ReadonlySet<string> = new Set([
  "INSURANCE_OFFICE",
  "MEDICAL_ASSISTANCE",
  "HOUSEHOLD_REGISTRATION",
]);

/** At most this many codes in one statement (bind parameters stay far below Postgres's limit). */
const MAX_BATCH = 1_000;

type UnitKey = `school:${string}` | `doctor:${string}`;

/** A division's official name ("西湖区"), or null for a code GB/T 2260 does not know. */
export function divisionName(code: string | null | undefined): string | null {
  return code ? (lookupDivision(code.trim())?.name ?? null) : null;
}

async function loadUnitNames(db: Db, keys: readonly UnitKey[]): Promise<(string | null)[]> {
  const schoolCodes = keys.filter((k) => k.startsWith("school:")).map((k) => k.slice("school:".length));
  const doctorCodes = keys.filter((k) => k.startsWith("doctor:")).map((k) => k.slice("doctor:".length));
  const names = new Map<string, string>();
  if (schoolCodes.length > 0)
    for (const row of await db
      .select({ code: schools.schoolCode, name: schools.name })
      .from(schools)
      .where(inArray(schools.schoolCode, schoolCodes)))
      names.set(`school:${row.code}`, row.name);
  if (doctorCodes.length > 0)
    for (const row of await db
      .select({ code: familyDoctors.doctorCode, name: familyDoctors.name, institution: familyDoctors.institution })
      .from(familyDoctors)
      .where(inArray(familyDoctors.doctorCode, doctorCodes)))
      // The doctor acts for their community health centre: both, as an office would address them.
      names.set(`doctor:${row.code}`, `${row.institution} ${row.name}`);
  return keys.map((k) => names.get(k) ?? null);
}

/** One loader per request: keyed on the context object, which lives exactly as long as the request. */
const loaders = new WeakMap<object, DataLoader<UnitKey, string | null>>();

function unitNames(ctx: SubgraphContext<unknown>): DataLoader<UnitKey, string | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    const db = ctx.db;
    loader = new DataLoader((keys) => loadUnitNames(db, keys), { maxBatchSize: MAX_BATCH });
    loaders.set(ctx, loader);
  }
  return loader;
}

/** Whether the viewer may read a unit's name where the unit's own type says so (School.name, FamilyDoctor.name). */
function mayRead(viewer: Viewer, typeName: "School" | "FamilyDoctor"): boolean {
  return decisionForViewer(viewer, typeName, "name") !== "deny";
}

/**
 * The name of who should act on a gap: a school's name, a family doctor's centre and name, or the
 * division whose office acts (insurance office, medical assistance, household registration).
 * Null without a responsible actor, for a code nobody holds, and for a unit whose own name the
 * viewer may not read (a family doctor's, for an education officer: FamilyDoctor.name).
 *
 *   await responsibleName(ctx, "SCHOOL", "2330106101")         // "西湖区第一小学"
 *   await responsibleName(ctx, "INSURANCE_OFFICE", "330106")    // "西湖区"
 */
export async function responsibleName(
  ctx: SubgraphContext<unknown>,
  actor: string | null,
  code: string | null,
): Promise<string | null> {
  if (!actor || !code) return null;
  if (REGION_ACTORS.has(actor)) return divisionName(code);
  if (actor === "SCHOOL") return mayRead(ctx.viewer, "School") ? unitNames(ctx).load(`school:${code}`) : null;
  if (actor === "FAMILY_DOCTOR")
    return mayRead(ctx.viewer, "FamilyDoctor") ? unitNames(ctx).load(`doctor:${code}`) : null;
  return null;
}
