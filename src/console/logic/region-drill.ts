/** Where a region sits in the division-code hierarchy: "33" province, "3301" prefecture (city), "330106" county. */
export type RegionLevel = "province" | "prefecture" | "county";

export function regionLevel(prefix: string): RegionLevel {
  if (/^\d{2}$/.test(prefix)) return "province";
  if (/^\d{4}$/.test(prefix)) return "prefecture";
  if (/^\d{6}$/.test(prefix)) return "county";
  throw new Error(`a region must be a division-code prefix of 2, 4 or 6 digits, but got "${prefix}"`);
}

/**
 * How the figures of a region are split one level down: a province by city, a city by county,
 * a county by school (the last level: schools are not regions).
 *
 *   groupingFor("33") // "REGION";  groupingFor("330106") // "SCHOOL"
 */
export function groupingFor(prefix: string): "REGION" | "SCHOOL" {
  return regionLevel(prefix) === "county" ? "SCHOOL" : "REGION";
}

/**
 * The region a group row opens, or null when it opens nothing (a school, a suppressed cell).
 * Group keys of a REGION summary are 6-digit codes of the level below: "330100" is the city
 * "3301", "330106" the county.
 *
 *   drillTarget("33", "330100") // "3301"
 *   drillTarget("3301", "330106") // "330106"
 *   drillTarget("330106", "2330106101") // null
 */
export function drillTarget(current: string, groupKey: string | null): string | null {
  if (groupKey === null || groupingFor(current) === "SCHOOL") return null;
  const level = regionLevel(current);
  const next = level === "province" ? groupKey.slice(0, 4) : groupKey.slice(0, 6);
  return next.startsWith(current) && next.length > current.length ? next : null;
}

/**
 * The trail from the viewer's own region down to the current one, for breadcrumbs: a viewer
 * can climb back up to where their scope starts, never above it.
 *
 *   regionTrail("33", "330106") // ["33", "3301", "330106"]
 */
export function regionTrail(scopeRegion: string, current: string): string[] {
  const trail = [scopeRegion];
  for (const length of [4, 6])
    if (length > scopeRegion.length && current.length >= length) trail.push(current.slice(0, length));
  return trail;
}
