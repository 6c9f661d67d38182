import { countiesOf, lookupDivision, prefectureOf } from "../domain/division-codes.ts";
import type { SchoolKind } from "../db/enums.ts";
import { pickAdultName } from "./names.ts";
import type { Random } from "./random.ts";

/** The demo province: Zhejiang (浙江省), with real GB/T 2260 codes. */
export const DEMO_PROVINCE_CODE = "330000";

/** Provinces non-local children in Zhejiang most often have their hukou in. */
export const ORIGIN_PROVINCES: readonly (readonly [string, number])[] = [
  ["340000", 3],
  ["360000", 2.5],
  ["410000", 2.5],
  ["430000", 1.5],
  ["510000", 1.5],
  ["520000", 1.5],
];

/** Share of the province's children per prefecture (rough population shares). */
const PREFECTURE_WEIGHTS: Readonly<Record<string, number>> = {
  "330100": 19,
  "330200": 15,
  "330300": 15,
  "330700": 11,
  "331000": 10,
  "330400": 8,
  "330600": 8,
  "330500": 5,
  "331100": 4,
  "330800": 3,
  "330900": 2,
};

export interface County {
  code: string;
  name: string;
  prefectureCode: string;
  weight: number;
}

export interface School {
  schoolCode: string;
  name: string;
  kind: SchoolKind;
  regionCode: string;
}

export interface Institution {
  code: string;
  name: string;
  regionCode: string;
}

export interface Doctor extends Institution {
  institution: string;
  teamName: string;
  phone: string;
}

export interface CoordinationArea {
  areaCode: string;
  name: string;
}

export interface ProvinceLayout {
  counties: County[];
  schools: Map<string, Map<SchoolKind, School[]>>;
  sites: Map<string, Institution[]>;
  allSites: Institution[];
  hospitals: Map<string, Institution[]>;
  doctors: Map<string, Doctor[]>;
  /** Coordination areas are prefecture-level (市级统筹), in and outside the province. */
  areas: CoordinationArea[];
}

/** Ages a school kind takes, and how many children one school of that kind holds. */
export const SCHOOL_AGES: Readonly<
  Record<
    "KINDERGARTEN" | "PRIMARY" | "JUNIOR_SECONDARY" | "SENIOR_SECONDARY",
    { min: number; max: number; capacity: number; label: string }
  >
> = {
  KINDERGARTEN: { min: 3, max: 5, capacity: 400, label: "幼儿园" },
  PRIMARY: { min: 6, max: 11, capacity: 2000, label: "小学" },
  JUNIOR_SECONDARY: { min: 12, max: 14, capacity: 1500, label: "初级中学" },
  SENIOR_SECONDARY: { min: 15, max: 17, capacity: 1800, label: "高级中学" },
};

/**
 * Picks the counties children live in: about 4,000 children a county (so schools, clinics and
 * doctors have realistic rosters even in a small test province), every county of the province
 * from about 360,000 children up.
 */
export function chooseCounties(childCount: number): County[] {
  const all = countiesOf(DEMO_PROVINCE_CODE)
    .map((d) => ({ code: d.code, name: d.name, prefectureCode: prefectureOf(d.code), weight: 0 }))
    .filter((c) => PREFECTURE_WEIGHTS[c.prefectureCode] !== undefined);
  const perPrefecture = new Map<string, number>();
  for (const c of all) perPrefecture.set(c.prefectureCode, (perPrefecture.get(c.prefectureCode) ?? 0) + 1);
  for (const c of all) c.weight = PREFECTURE_WEIGHTS[c.prefectureCode]! / perPrefecture.get(c.prefectureCode)!;
  const wanted = Math.min(all.length, Math.max(3, Math.round(childCount / 4000)));
  // Round-robin over prefectures, biggest first, so a small province still spans cities.
  const byPrefecture = Object.keys(PREFECTURE_WEIGHTS).map((p) => all.filter((c) => c.prefectureCode === p));
  const chosen: County[] = [];
  for (let i = 0; chosen.length < wanted; i++) {
    for (const list of byPrefecture) if (list[i] && chosen.length < wanted) chosen.push(list[i]!);
  }
  return chosen;
}

export function buildLayout(rng: Random, childCount: number): ProvinceLayout {
  const counties = chooseCounties(childCount);
  const totalWeight = counties.reduce((s, c) => s + c.weight, 0);
  const schools = new Map<string, Map<SchoolKind, School[]>>();
  const sites = new Map<string, Institution[]>();
  const hospitals = new Map<string, Institution[]>();
  const doctors = new Map<string, Doctor[]>();

  for (const county of counties) {
    const children = (childCount * county.weight) / totalWeight;
    const byKind = new Map<SchoolKind, School[]>();
    for (const [kind, spec] of Object.entries(SCHOOL_AGES) as [
      keyof typeof SCHOOL_AGES,
      (typeof SCHOOL_AGES)[keyof typeof SCHOOL_AGES],
    ][]) {
      const pupils = (children * (spec.max - spec.min + 1)) / 18;
      const count = Math.max(1, Math.ceil(pupils / spec.capacity));
      const list: School[] = [];
      for (let n = 1; n <= count; n++) {
        const serial = byKind.size * 100 + n;
        list.push({
          schoolCode: `2${county.code}${String(serial).padStart(3, "0")}`,
          name: `${county.name}第${chineseNumber(n)}${spec.label}`,
          kind,
          regionCode: county.code,
        });
      }
      byKind.set(kind, list);
    }
    schools.set(county.code, byKind);

    const siteCount = Math.max(1, Math.ceil(children / 3000));
    sites.set(
      county.code,
      range(siteCount).map((n) => ({
        code: `V${county.code}${String(n + 1).padStart(3, "0")}`,
        name: `${county.name}第${chineseNumber(n + 1)}预防接种门诊`,
        regionCode: county.code,
      })),
    );
    const hospitalCount = Math.max(1, Math.ceil(children / 8000));
    hospitals.set(
      county.code,
      range(hospitalCount).map((n) => ({
        code: `H${county.code}${String(n + 1).padStart(2, "0")}`,
        name: `${county.name}${n === 0 ? "妇幼保健院" : `第${chineseNumber(n)}人民医院`}`,
        regionCode: county.code,
      })),
    );
    const doctorCount = Math.max(1, Math.ceil(children / 1000));
    doctors.set(
      county.code,
      range(doctorCount).map((n) => {
        const center = Math.floor(n / 4) + 1;
        return {
          code: `D${county.code}${String(n + 1).padStart(4, "0")}`,
          name: pickAdultName(rng, rng.chance(0.6) ? "F" : "M"),
          institution: `${county.name}第${chineseNumber(center)}社区卫生服务中心`,
          teamName: `家庭医生团队${(n % 4) + 1}`,
          phone: `1${rng.pick(["3", "5", "8"])}${rng.digits(9)}`,
          regionCode: county.code,
        };
      }),
    );
  }

  const areaCodes = new Set<string>();
  for (const c of counties) areaCodes.add(c.prefectureCode);
  for (const code of Object.keys(PREFECTURE_WEIGHTS)) areaCodes.add(code);
  for (const [province] of ORIGIN_PROVINCES)
    for (const county of countiesOf(province)) areaCodes.add(prefectureOf(county.code));
  const areas = [...areaCodes]
    .sort()
    .map((areaCode) => ({ areaCode, name: `${lookupDivision(areaCode)?.name ?? areaCode}城乡居民医保` }));
  return { counties, schools, sites, allSites: [...sites.values()].flat(), hospitals, doctors, areas };
}

const countyCache = new Map<string, string[]>();
/** County codes of a province, cached: the generator asks for them once per non-local family. */
export function countyCodesOf(provinceCode: string): string[] {
  let codes = countyCache.get(provinceCode);
  if (!codes) {
    codes = countiesOf(provinceCode).map((c) => c.code);
    countyCache.set(provinceCode, codes);
  }
  return codes;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

const DIGITS = "零一二三四五六七八九";
/** 1 → 一, 12 → 十二, 23 → 二十三: how schools are numbered on their signs. */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n]!;
  if (n < 20) return `十${n % 10 === 0 ? "" : DIGITS[n % 10]}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 === 0 ? "" : DIGITS[n % 10]}`;
  return String(n);
}
