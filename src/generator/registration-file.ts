import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { addDays } from "../domain/dates.ts";
import { makeIdNumber, sequenceForSex } from "../domain/id-number.ts";
import { makeStudentNumberG } from "../domain/identifiers.ts";
import { DEMO_PROVINCE_CODE, countyCodesOf } from "./geography.ts";
import { pickGivenName, pickSurname } from "./names.ts";
import { Random } from "./random.ts";

/** The columns of an education.student_registration file, in file order. */
export const REGISTRATION_COLUMNS = [
  "record_id",
  "student_number",
  "id_number",
  "name",
  "sex",
  "birth_date",
  "school_code",
  "grade",
  "class_name",
  "school_year",
  "status",
  "guardian_phone",
] as const;

/**
 * A large, valid education.student_registration file for imports at scale (benchmarks, the
 * kill test), written as it is generated (constant memory). Row `i` is student `i` of its own:
 * a distinct valid ID number (county, birth date and sequence derived from `i`), record id
 * `<prefix>-<i>`. Deterministic for a seed.
 *
 *   await writeRegistrationFile("/tmp/education.student_registration.csv", { rows: 100_000 })
 */
export async function writeRegistrationFile(
  file: string,
  options: { rows: number; seed?: number; format?: "csv" | "ndjson"; recordIdPrefix?: string },
): Promise<void> {
  const rng = new Random(options.seed ?? 1);
  const prefix = options.recordIdPrefix ?? "SYN";
  const counties = countyCodesOf(DEMO_PROVINCE_CODE);
  const days = 12 * 365;
  const out = createWriteStream(file, { encoding: "utf8" });
  const format = options.format ?? "csv";
  if (format === "csv") out.write(`${REGISTRATION_COLUMNS.join(",")}\n`);
  for (let i = 0; i < options.rows; i++) {
    const county = counties[i % counties.length]!;
    const birthDate = addDays("2008-09-01", Math.floor(i / counties.length) % days);
    const sex = rng.chance(0.5) ? "M" : "F";
    const idNumber = makeIdNumber({
      regionCode: county,
      birthDate,
      sequence: sequenceForSex(Math.floor(i / (counties.length * days)), sex),
    });
    const grade = Math.max(1, Math.min(12, 2026 - Number(birthDate.slice(0, 4)) - 6));
    const row = {
      record_id: `${prefix}-${i}`,
      student_number: makeStudentNumberG(idNumber),
      id_number: idNumber,
      name: pickSurname(rng) + pickGivenName(rng, sex),
      sex,
      birth_date: birthDate,
      school_code: `2${county}${String(rng.int(1, 99)).padStart(3, "0")}`,
      grade: String(grade),
      class_name: `${rng.int(1, 12)}班`,
      school_year: "2026",
      status: "ENROLLED",
      guardian_phone: `13${String(rng.int(0, 999_999_999)).padStart(9, "0")}`,
    };
    const line = format === "csv" ? REGISTRATION_COLUMNS.map((c) => row[c]).join(",") : JSON.stringify(row);
    if (!out.write(`${line}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "close");
}
