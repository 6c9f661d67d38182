import { sql, type SQL } from "drizzle-orm";
import { withinRegion } from "./region.ts";
import {
  JOINS,
  PLACE_FACETS,
  SOURCE_LIST,
  type DERIVED_FACETS,
  type FieldSql,
  type JoinName,
  type SourceField,
} from "./sources.ts";
import type { SourceKind } from "./enums.ts";

/**
 * Statements assembled from the source registry (sources.ts): what every reader of the
 * departments' records about a child shares. Each is one statement for any number of children.
 */

/** The join clauses a set of field expressions needs, each once, in a fixed order. */
export function joinsOf(fields: readonly (FieldSql | undefined)[], kind: "join" | "left join" = "left join"): string {
  const names = new Set<JoinName>();
  for (const field of fields) for (const name of field?.joins ?? []) names.add(name);
  return (Object.keys(JOINS) as JoinName[])
    .filter((name) => names.has(name))
    .map((name) => `${kind} ${JOINS[name].table} ${JOINS[name].alias} on ${JOINS[name].on}`)
    .join(" ");
}

/** `'text'` as an SQL literal (registry names and source kinds only: never caller input). */
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Every current link of the children, with the linked record's `fields` (those its source
 * has) as one JSON object per record: `{ child_id, source, record }` rows. Dates come as ISO
 * text ("2026-06-30"), as json_build_object writes them.
 *
 *   await queryRows(db, linkedRecordsQuery([1, 2], ["idNumber", "birthDate"]))
 *   // [{ child_id: 1, source: "household.person", record: { idNumber: "330106…", birthDate: "2016-05-10" } }, …]
 */
export function linkedRecordsQuery(childIds: readonly number[], fields: readonly SourceField[]): SQL {
  const ids = sql`${sql.param([...childIds])}::bigint[]`;
  const branches = SOURCE_LIST.map((spec) => {
    const present = fields.filter((f) => spec.fields[f] !== undefined);
    const object = present.map((f) => `${literal(f)}, ${spec.fields[f]!.sql}`).join(", ");
    const joins = joinsOf(present.map((f) => spec.fields[f]));
    return (
      `select l.child_id, l.source, json_build_object(${object}) as record from l join ${spec.table} x` +
      ` on l.source = ${literal(spec.source)} and x.record_id = l.record_id ${joins}`
    );
  });
  return sql`with l as (select child_id, source, record_id from hub.links
      where unlinked_at is null and child_id = any(${ids}))
    ${sql.raw(branches.join("\nunion all\n"))}`;
}

/** The identifiers a child can be looked up by, and the field of each source that carries one. */
export type IdentifierField = Extract<SourceField, "idNumber" | "birthCertificateNumber" | "studentNumber">;

/**
 * The active master children a department identifier is linked to, through every source that
 * carries that identifier: one statement, lowest child id first.
 *
 *   await queryRows(db, childIdsByIdentifierQuery("birthCertificateNumber", "P330123456"))
 */
export function childIdsByIdentifierQuery(field: IdentifierField, value: string): SQL {
  const branches = SOURCE_LIST.filter((spec) => spec.fields[field] !== undefined).map(
    (spec) =>
      sql`select l.child_id from hub.links l join ${sql.raw(spec.table)} x
        on l.source = ${sql.raw(literal(spec.source))}
        and x.record_id = l.record_id where ${sql.raw(spec.fields[field]!.sql)} = ${value} and l.unlinked_at is null`,
  );
  return sql`select c.id as child_id from hub.children c where c.state = 'ACTIVE' and c.id in (${sql.join(
    branches,
    sql` union all `,
  )}) order by c.id`;
}

/**
 * A condition that the record `recordId` of `source` lies in the region `prefix`: one of its
 * region places' codes (current or not — an expired contract's doctor, last year's school, an
 * old vaccination file's site — the record is where it is) is inside the prefix. A code that
 * cannot be found (an unknown site) places the record nowhere.
 *
 *   recordInRegion("health.birth_certificate", sql`b.record_id`, "3301")
 *   // exists (select 1 from health.birth_certificates x where x.record_id = b.record_id and x.region_code between …)
 */
export function recordInRegion(source: SourceKind, recordId: SQL, prefix: string): SQL {
  const spec = SOURCE_LIST.find((s) => s.source === source);
  if (!spec) throw new Error(`recordInRegion: no source ${source}`);
  const places = spec.places.filter((p) => PLACE_FACETS[p.facet] === "region");
  if (places.length === 0) return sql`false`;
  const inside = places.map((p) => withinRegion(sql.raw(p.code.sql), prefix));
  return sql`exists (select 1 from ${sql.raw(spec.table)} x ${sql.raw(
    joinsOf(
      places.map((p) => p.code),
      "join",
    ),
  )} where x.record_id = ${recordId} and (${sql.join(inside, sql` or `)}))`;
}

/**
 * The text of the `hub.child_scope` view: one row per (child, facet, code) for every place of
 * every current link's record, and the child's `residence` (DERIVED_FACETS). A view, not a
 * table: never stale after an import, a merge or a split. Written into a migration by
 * `npm run gen:migrations` (src/bin/gen-views.ts); a test fails when the migrations hold
 * another text.
 *
 * Residence is read from the coverage snapshot (`hub.coverage_status.residence_region_code`,
 * computed by `residenceRegionOf`, the one rule) of the latest snapshot date on or before today
 * in China: the rule is not written a second time in SQL, and a child's row is one primary-key
 * lookup (as_of, child_id), the date one initplan per statement. The snapshot is kept current
 * for the children every import and link change touches, and built daily; before the first
 * snapshot there is no residence facet (the registration facets still apply).
 */
export function childScopeViewSql(): string {
  const branches: string[] = [];
  for (const spec of SOURCE_LIST) {
    for (const place of spec.places) {
      const where = [`l.source = ${literal(spec.source)}`, "l.unlinked_at IS NULL"];
      if (place.when) where.push(place.when);
      if (place.optional) where.push(`${place.code.sql} IS NOT NULL`);
      const joins = joinsOf([place.code], "join");
      branches.push(
        `SELECT l.child_id, ${literal(place.facet)}::text AS facet, ${place.code.sql}::text AS code\n` +
          `  FROM hub.links l JOIN ${spec.table} x ON x.record_id = l.record_id${joins ? ` ${joins}` : ""}\n` +
          ` WHERE ${where.join(" AND ")}`,
      );
    }
  }
  branches.push(
    `SELECT s.child_id, ${literal(RESIDENCE)}::text AS facet, s.residence_region_code::text AS code\n` +
      `  FROM hub.coverage_status s\n` +
      ` WHERE s.as_of = ${RESIDENCE_DATE_SQL}\n` +
      `   AND s.residence_region_code IS NOT NULL`,
  );
  return branches.join("\nUNION ALL\n");
}

/**
 * The snapshot date the `residence` facet is read from: the latest on or before today in China.
 * (Its line breaks keep the view's text as the migrations hold it.)
 */
export const RESIDENCE_DATE_SQL =
  "(SELECT max(d.as_of) FROM hub.coverage_snapshots d\n" +
  "                   WHERE d.as_of <= (now() AT TIME ZONE 'Asia/Shanghai')::date)";

/**
 * The `facet:code` places of these children (every row of `hub.child_scope` but the derived
 * residence), one statement: what a snapshot row carries as `scope_places`
 * (db/tables/coverage.ts), so a list's row scope needs no join to the view.
 */
export function scopePlacesSql(childIds: SQL): SQL {
  return sql`select child_id, array_agg(distinct facet || ':' || code) as places from hub.child_scope
    where child_id = any(${childIds}) and facet <> ${sql.raw(literal(RESIDENCE))} and code is not null
    group by child_id`;
}

const RESIDENCE: keyof typeof DERIVED_FACETS = "residence";
