import { sql, type AnyColumn, type SQL } from "drizzle-orm";
import { regionPrefix, validateDivisionCode } from "../domain/division-codes.ts";
import { InputError } from "../errors.ts";

/**
 * A region argument as departments write it — a division code ("330100", "330106") or its
 * significant prefix ("33", "3301") — normalised to its prefix. Unknown codes are refused.
 *
 *   regionPrefixOf("330100") // "3301"
 */
export function regionPrefixOf(argument: string, field = "region"): string {
  // Normalised first (full-width digits from a spreadsheet are digits), and the prefix is cut
  // from the validated code, never from the raw text.
  const value = argument.normalize("NFKC").trim();
  const six = /^\d{2}$|^\d{4}$/.test(value) ? value.padEnd(6, "0") : value;
  const checked = validateDivisionCode(six);
  if (!checked.ok) throw new InputError(field, checked.message);
  return regionPrefix(checked.value.code);
}

/** `column` is inside the region: a range over char(6) codes, so a btree index serves it. */
export function withinRegion(column: AnyColumn | SQL, prefix: string): SQL {
  const low = prefix.padEnd(6, "0");
  const high = prefix.padEnd(6, "9");
  return sql`${column} between ${low} and ${high}`;
}
