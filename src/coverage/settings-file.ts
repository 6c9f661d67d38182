import { InputError } from "../errors.ts";
import type { SettingInput } from "./settings-store.ts";

/**
 * The settings of a file (`npm run settings -- --file province.json`): JSON, either a list of
 * settings or `{ "settings": [...] }`, each `{ "key", "regionCode"?, "effectiveFrom", "value",
 * "note"? }` as the graph's setPolicySetting takes them (values as in
 * src/domain/policy-settings.ts). Only the shape is checked here; the rules of each setting are
 * checked when it is set (settings-store.ts), all or none.
 *
 *   parseSettingsFile('[{"key":"NEWBORN_WINDOW_DAYS","effectiveFrom":"2026-01-01","value":{"days":180}}]', "z.json")
 *   // [{ key: "NEWBORN_WINDOW_DAYS", regionCode: null, effectiveFrom: "2026-01-01", value: { days: 180 },
 *   //    note: null }]
 */
export function parseSettingsFile(text: string, fileName: string): SettingInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(fileName, `must be JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const list =
    parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) && "settings" in parsed
      ? (parsed as { settings: unknown }).settings
      : parsed;
  if (!Array.isArray(list))
    throw new InputError(fileName, 'must hold a list of settings, or an object { "settings": [...] }');
  return list.map((entry: unknown, i): SettingInput => {
    const where = `${fileName}: setting ${i + 1}`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry))
      throw new InputError(where, `must be an object, but got ${JSON.stringify(entry)}`);
    const e = entry as Record<string, unknown>;
    for (const field of ["key", "effectiveFrom"] as const)
      if (typeof e[field] !== "string")
        throw new InputError(`${where}.${field}`, `must be a string, but got ${JSON.stringify(e[field])}`);
    for (const field of ["regionCode", "note"] as const)
      if (e[field] != null && typeof e[field] !== "string")
        throw new InputError(`${where}.${field}`, `must be a string or absent, but got ${JSON.stringify(e[field])}`);
    if (!("value" in e)) throw new InputError(`${where}.value`, "is missing");
    return {
      key: e.key as string,
      regionCode: (e.regionCode as string | undefined) ?? null,
      effectiveFrom: e.effectiveFrom as string,
      value: e.value,
      note: (e.note as string | undefined) ?? null,
    };
  });
}
