import { provinces } from "../../src/domain/division-codes.ts";
import { PLACEHOLDER_SUFFIXES, PLACEHOLDER_WHOLE } from "../../src/domain/names.ts";

/**
 * SQL text a developer writing the baseline by hand would need to pick a child's displayed
 * identity the way the hub does (src/subgraphs/hub/identity.ts): a resident ID number counts
 * when it is well formed, starts with a province code, holds a real date and ends in its
 * MOD 11-2 check character; a name counts when it is not a placeholder such as "王之子".
 * `column` is a trusted SQL expression (a column name), never user input.
 */
export function validIdSql(column: string): string {
  const provinceDigits = [...provinces().map((p) => p.code.slice(0, 2)), "83"].map((d) => `'${d}'`).join(",");
  const id = column;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.map((w, i) => `substr(${id}, ${i + 1}, 1)::int * ${w}`).join(" + ");
  return `(${id} ~ '^[0-9]{17}[0-9X]$' and left(${id}, 2) in (${provinceDigits})
    and case when substr(${id}, 11, 2)::int between 1 and 12 and substr(${id}, 7, 4)::int >= 1900
             then substr(${id}, 13, 2)::int between 1 and extract(day from make_date(
                    substr(${id}, 7, 4)::int, substr(${id}, 11, 2)::int, 1) + interval '1 month - 1 day')
             else false end
    and substr('10X98765432', ((${sum}) % 11) + 1, 1) = substr(${id}, 18, 1))`;
}

export function realNameSql(column: string): string {
  const suffixes = PLACEHOLDER_SUFFIXES.join("|");
  return `(${column} is not null and btrim(${column}) <> ''
    and btrim(${column}) !~* '${PLACEHOLDER_WHOLE.source}'
    and btrim(${column}) !~ '(${suffixes})$')`;
}

/** Where each source stands when the hub picks a name or an ID number (identity.ts AUTHORITY). */
export const AUTHORITY_SQL = `case source
  when 'household.person' then 1 when 'education.student' then 2 when 'insurance.enrollment' then 3
  when 'health.doctor_contract' then 4 when 'health.immunization_record' then 5 else 6 end`;
