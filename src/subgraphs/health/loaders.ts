import DataLoader from "dataloader";
import type { RowAccess } from "../../access/rows/row-access.ts";
import type { Db } from "../../db/client.ts";
import { childLookup, groupBy, type ChildLookup } from "../../graphql/loaders.ts";
import {
  birthCertificatesByChild,
  childrenOfSites,
  doctorContractsByChild,
  doctorsByCode,
  dosesOfRecords,
  hospitalsByCode,
  immunizationRecordsByChild,
  patientsOfDoctors,
  sitesByCode,
  type BirthCertificateRow,
  type DoctorContractRow,
  type FamilyDoctorRow,
  type HospitalRow,
  type ImmunizationDoseRow,
  type ImmunizationRecordRow,
  type PageKey,
  type PatientRow,
  type VaccinationSiteRow,
} from "./queries.ts";

/** Postgres bind-parameter limits and statement sizes stay bounded whatever a page holds. */
const MAX_BATCH = 1_000;

/** One page of a doctor's patients: the doctor (whose place decides whether the list answers at all) and the window. */
export interface PatientPageKey {
  doctor: Pick<FamilyDoctorRow, "code" | "regionCode">;
  /** Exclusive lower bound of the contract id (0 for the first page). */
  after: number;
  /** Rows wanted: the page size plus one, which only says whether a next page exists. */
  take: number;
}

export interface HealthLoaders {
  /** A child by id inside the viewer's rows, else null: root lookups, nested fields and `_entities`. */
  child: ChildLookup;
  /** The child's birth certificate (the most recent if two are linked). */
  birthCertificateByChild: DataLoader<number, BirthCertificateRow | null>;
  immunizationsByChild: DataLoader<number, ImmunizationRecordRow[]>;
  /** Every linked contract of the child, oldest signed first. */
  contractsByChild: DataLoader<number, DoctorContractRow[]>;
  /** Doses of an immunization file (by its record id), in the order they were given. */
  dosesByRecord: DataLoader<string, ImmunizationDoseRow[]>;
  hospital: DataLoader<string, HospitalRow | null>;
  vaccinationSite: DataLoader<string, VaccinationSiteRow | null>;
  familyDoctor: DataLoader<string, FamilyDoctorRow | null>;
  /**
   * A page of a site's children inside the viewer's rows (`take` rows from `after`): many sites
   * in one statement, the rows a condition of it.
   */
  childrenOfSite: DataLoader<PageKey, number[], string>;
  /**
   * A page of a doctor's ACTIVE contracts (`take` rows from `after`): many doctors in one
   * statement. Null when the doctor is outside the viewer's scope (a patient list is a list of
   * children: only its own doctor, or an officer of its region, reaches it); a contract linked to
   * a child outside the viewer's rows is not on the list.
   */
  patientsOfDoctor: DataLoader<PatientPageKey, PatientRow[] | null, string>;
}

export function createHealthLoaders(db: Db, rows: RowAccess): HealthLoaders {
  return {
    child: childLookup(rows),
    birthCertificateByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(
          await birthCertificatesByChild(db, ids, (recordId) =>
            rows.recordCondition("health.birth_certificate", recordId),
          ),
          (r) => r.childId,
        );
        return ids.map((id) => byChild.get(id)?.at(-1) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    immunizationsByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(
          await immunizationRecordsByChild(db, ids, (recordId) =>
            rows.recordCondition("health.immunization_record", recordId),
          ),
          (r) => r.childId,
        );
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    contractsByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(
          await doctorContractsByChild(db, ids, (recordId) => rows.recordCondition("health.doctor_contract", recordId)),
          (r) => r.childId,
        );
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    dosesByRecord: new DataLoader(
      async (recordIds) => {
        const byRecord = groupBy(await dosesOfRecords(db, recordIds), (d) => d.immunizationRecordId);
        return recordIds.map((id) => byRecord.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    hospital: byCodeLoader((codes) => hospitalsByCode(db, codes)),
    vaccinationSite: byCodeLoader((codes) => sitesByCode(db, codes)),
    familyDoctor: byCodeLoader((codes) => doctorsByCode(db, codes)),
    childrenOfSite: pageLoader(async (codes, after, take) => {
      const bySite = groupBy(
        await childrenOfSites(
          db,
          codes,
          after,
          take,
          (childId) => rows.childCondition(childId),
          // A site of another region lists none of its files to a viewer shown only its region's.
          (recordId) => rows.recordCondition("health.immunization_record", recordId),
        ),
        (r) => r.siteCode,
      );
      return codes.map((code) => (bySite.get(code) ?? []).map((r) => r.childId));
    }),
    patientsOfDoctor: patientPageLoader(db, rows),
  };
}

function byCodeLoader<R extends { code: string }>(
  fetch: (codes: readonly string[]) => Promise<R[]>,
): DataLoader<string, R | null> {
  return new DataLoader(
    async (codes) => {
      const byCode = new Map((await fetch(codes)).map((r) => [r.code, r]));
      return codes.map((code) => byCode.get(code) ?? null);
    },
    { maxBatchSize: MAX_BATCH },
  );
}

/**
 * Batches pages of a per-parent connection. Keys asking for the same page window (the usual
 * case: every parent in a list asked with the same `first` and `after`) share one statement.
 */
function pageLoader<R>(
  fetch: (parentKeys: string[], after: number, take: number) => Promise<R[]>,
): DataLoader<PageKey, R, string> {
  return new DataLoader<PageKey, R, string>(
    async (keys) => {
      const windows = groupBy(keys, (k) => `${k.after}:${k.take}`);
      const results = new Map<string, R>();
      for (const group of windows.values()) {
        const { after, take } = group[0]!;
        const parents = [...new Set(group.map((k) => k.key))];
        const answers = await fetch(parents, after, take);
        parents.forEach((parent, i) => results.set(pageCacheKey({ key: parent, after, take }), answers[i]!));
      }
      return keys.map((k) => results.get(pageCacheKey(k))!);
    },
    { maxBatchSize: MAX_BATCH, cacheKeyFn: pageCacheKey },
  );
}

function pageCacheKey(k: PageKey): string {
  return `${k.key}\u0000${k.after}\u0000${k.take}`;
}

/**
 * Pages of doctors' patients under the viewer's rows. A doctor outside the scope answers null
 * without a statement; a doctor whose contracts themselves place every linked child inside the
 * rows (the doctor's own list, a health officer's doctor of the region) is read as it is, any
 * other with the rows a condition of the statement.
 */
function patientPageLoader(db: Db, rows: RowAccess): DataLoader<PatientPageKey, PatientRow[] | null, string> {
  const placeOf = (k: PatientPageKey) => ({ doctorCode: k.doctor.code, regionCode: k.doctor.regionCode });
  const reachesAll = (k: PatientPageKey) => rows.reaches({ doctor: k.doctor.code, doctor_region: k.doctor.regionCode });
  const cacheKey = (k: PatientPageKey) => pageCacheKey({ key: k.doctor.code, after: k.after, take: k.take });
  return new DataLoader<PatientPageKey, PatientRow[] | null, string>(
    async (keys) => {
      const results = new Map<string, PatientRow[]>();
      const asked = keys.filter((k) => rows.placeInScope(placeOf(k)));
      for (const group of groupBy(asked, (k) => `${k.after}:${k.take}:${reachesAll(k)}`).values()) {
        const { after, take } = group[0]!;
        const whole = reachesAll(group[0]!);
        const codes = [...new Set(group.map((k) => k.doctor.code))];
        const found = await patientsOfDoctors(db, codes, after, take, (childId) =>
          whole ? null : rows.memberCondition(childId),
        );
        const byDoctor = groupBy(found, (r) => r.doctorCode);
        for (const code of codes)
          results.set(
            pageCacheKey({ key: code, after, take }),
            (byDoctor.get(code) ?? []).map(({ contract, childId }) => ({ contract, childId })),
          );
      }
      return keys.map((k) => results.get(cacheKey(k)) ?? null);
    },
    { maxBatchSize: MAX_BATCH, cacheKeyFn: cacheKey },
  );
}
