import { addDays, ageInYears, type IsoDate } from "../domain/dates.ts";
import { prefectureOf } from "../domain/division-codes.ts";
import { makeIdNumber, sequenceForSex, type Sex } from "../domain/id-number.ts";
import type { NeedyCategory } from "../domain/insurance-policy.ts";
import { countyCodesOf, DEMO_PROVINCE_CODE, ORIGIN_PROVINCES, type County } from "./geography.ts";
import { pickAdultName, pickGivenName, pickSurname } from "./names.ts";
import type { Random } from "./random.ts";

/** A parent as the registries know them. */
export interface Parent {
  name: string;
  sex: Sex;
  idNumber: string;
  phone: string;
}

/** What is really true about one child: the generator's ground truth. */
export interface TrueChild {
  key: string;
  surname: string;
  name: string;
  sex: Sex;
  birthDate: IsoDate;
  /** Null while the newborn's hukou is not registered yet. */
  idNumber: string | null;
  hukouRegisteredOn: IsoDate | null;
  hukouCounty: string;
  isLocal: boolean;
  residence: County;
  bornInProvince: boolean;
  birthCertificateNumber: string | null;
  needyCategory: NeedyCategory | null;
  twinKey: string | null;
  family: Family;
}

export interface Family {
  key: string;
  surname: string;
  father: Parent | null;
  mother: Parent;
  isLocal: boolean;
  hukouCounty: string;
  residence: County;
  householdNumber: string | null;
  needyCategory: NeedyCategory | null;
  children: TrueChild[];
}

/** Uniqueness registers that span the whole province (ID numbers, phones, certificates). */
export class Registers {
  private readonly ids = new Set<string>();
  private readonly phones = new Set<string>();
  private certificateSerial: number;
  private householdSerial = 0;

  constructor(rng: Random) {
    this.certificateSerial = rng.int(100_000_000, 300_000_000);
  }

  idNumber(rng: Random, regionCode: string, birthDate: IsoDate, sex: Sex): string {
    for (;;) {
      const id = makeIdNumber({ regionCode, birthDate, sequence: sequenceForSex(rng.int(0, 499), sex) });
      if (!this.ids.has(id)) {
        this.ids.add(id);
        return id;
      }
    }
  }

  phone(rng: Random): string {
    for (;;) {
      const phone = `1${rng.pick(["3", "5", "7", "8", "9"])}${rng.digits(9)}`;
      if (!this.phones.has(phone)) {
        this.phones.add(phone);
        return phone;
      }
    }
  }

  /** One letter and 9 digits, e.g. "Q331204567"; the serial keeps them unique. */
  birthCertificateNumber(birthYear: number): string {
    this.certificateSerial += 1;
    return `${String.fromCharCode(65 + (birthYear % 26))}${String(this.certificateSerial).padStart(9, "0").slice(-9)}`;
  }

  householdNumber(county: string): string {
    this.householdSerial += 1;
    return `${county}${String(this.householdSerial).padStart(8, "0")}`;
  }
}

const NEEDY_WEIGHTS: readonly (readonly [NeedyCategory, number])[] = [
  ["MIN_LIVING", 60],
  ["DISABLED", 20],
  ["EXTREMELY_POOR", 10],
  ["ORPHAN", 10],
];

export interface FamilyOptions {
  asOf: IsoDate;
  counties: readonly County[];
  /** The counties paired with their weights, built once per province. */
  countyWeights: readonly (readonly [County, number])[];
  /** How many more children the province needs; the family never exceeds it. */
  remaining: number;
  nextChildKey: () => string;
  familyKey: string;
}

/**
 * Draws one family living in the province: parents, hukou (local, or from a sending
 * province), 1–3 children aged 0–17 (occasionally twins), needy status.
 */
export function drawFamily(rng: Random, registers: Registers, options: FamilyOptions): Family {
  const { asOf } = options;
  const residence = rng.weighted(options.countyWeights);
  const isLocal = rng.chance(0.85);
  // 12% of local families have their hukou in another county of the province than where they live.
  const hukouCounty = isLocal
    ? rng.chance(0.12)
      ? rng.pick(options.counties).code
      : residence.code
    : rng.pick(countyCodesOf(rng.weighted(ORIGIN_PROVINCES)));
  const surname = pickSurname(rng);
  const parentBirth = (): IsoDate => addDays(asOf, -rng.int(24 * 365, 45 * 365));
  const father: Parent | null = rng.chance(0.92)
    ? (() => {
        const birth = parentBirth();
        return {
          name: pickAdultName(rng, "M", surname),
          sex: "M",
          idNumber: registers.idNumber(rng, hukouCounty, birth, "M"),
          phone: registers.phone(rng),
        };
      })()
    : null;
  const motherBirth = parentBirth();
  const mother: Parent = {
    name: pickAdultName(rng, "F"),
    sex: "F",
    idNumber: registers.idNumber(rng, hukouCounty, motherBirth, "F"),
    phone: registers.phone(rng),
  };

  const family: Family = {
    key: options.familyKey,
    surname,
    father,
    mother,
    isLocal,
    hukouCounty,
    residence,
    householdNumber: isLocal ? registers.householdNumber(hukouCounty) : null,
    needyCategory: rng.chance(0.025) ? rng.weighted(NEEDY_WEIGHTS) : null,
    children: [],
  };

  const wanted = Math.min(
    options.remaining,
    rng.weighted([
      [1, 60],
      [2, 33],
      [3, 7],
    ] as const),
  );
  let birthDate = addDays(asOf, -rng.int(0, 18 * 365 - 1));
  while (family.children.length < wanted) {
    const twins = family.children.length + 1 < wanted && rng.chance(0.02);
    for (let t = 0; t < (twins ? 2 : 1); t++) {
      family.children.push(drawChild(rng, registers, family, birthDate, asOf, options.nextChildKey()));
    }
    if (twins) {
      const [a, b] = family.children.slice(-2) as [TrueChild, TrueChild];
      a.twinKey = b.key;
      b.twinKey = a.key;
    }
    // The next sibling is older by 1.5–6 years, while still under 18.
    const older = addDays(birthDate, -rng.int(548, 2190));
    if (ageInYears(older, asOf) >= 18) break;
    birthDate = older;
  }
  return family;
}

function drawChild(
  rng: Random,
  registers: Registers,
  family: Family,
  birthDate: IsoDate,
  asOf: IsoDate,
  key: string,
): TrueChild {
  const sex: Sex = rng.chance(0.52) ? "M" : "F";
  const bornInProvince = family.isLocal ? rng.chance(0.97) : rng.chance(0.4);
  // Hukou registration of a newborn happens weeks to months after birth.
  const registrationDelay = rng.weighted([
    [rng.int(7, 60), 70],
    [rng.int(61, 180), 25],
    [rng.int(181, 400), 5],
  ] as const);
  const registeredOn = addDays(birthDate, registrationDelay);
  const registered = registeredOn <= asOf;
  return {
    key,
    surname: family.surname,
    name: family.surname + pickGivenName(rng, sex),
    sex,
    birthDate,
    idNumber: registered ? registers.idNumber(rng, family.hukouCounty, birthDate, sex) : null,
    hukouRegisteredOn: registered ? registeredOn : null,
    hukouCounty: family.hukouCounty,
    isLocal: family.isLocal,
    residence: family.residence,
    bornInProvince,
    birthCertificateNumber: bornInProvince ? registers.birthCertificateNumber(Number(birthDate.slice(0, 4))) : null,
    needyCategory: family.needyCategory,
    twinKey: null,
    family,
  };
}

/** The coordination area (prefecture) a county belongs to. */
export function areaOf(county: string): string {
  return prefectureOf(county);
}

export function isInDemoProvince(code: string): boolean {
  return code.slice(0, 2) === DEMO_PROVINCE_CODE.slice(0, 2);
}
