import DataLoader from "dataloader";
import type { RowAccess } from "../../access/rows/child-access.ts";
import type { Db } from "../../db/client.ts";
import { groupBy } from "../../graphql/loaders.ts";
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

export interface HealthLoaders {
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
   * A page of a site's children within a row scope (`take` rows from `after`): many sites in
   * one statement. One loader per scope, since the scope is part of the statement:
   * `ctx.loaders.childrenOfSite(ctx.rows).load(key)`.
   */
  childrenOfSite(scope: ChildScope): DataLoader<PageKey, number[], string>;
  /** A page of a doctor's ACTIVE contracts (`take` rows from `after`): many doctors in one statement. */
  patientsOfDoctor: DataLoader<PageKey, PatientRow[], string>;
}

/** What a scoped loader needs of the viewer's row scope: the SQL condition on a child id. */
export type ChildScope = Pick<RowAccess, "childCondition">;

export function createHealthLoaders(db: Db): HealthLoaders {
  // Loaders live for one request and a request has one scope, so this holds one entry; keyed
  // by the scope all the same, so a loader can never answer for another viewer.
  const siteChildrenByScope = new WeakMap<ChildScope, DataLoader<PageKey, number[], string>>();
  return {
    birthCertificateByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await birthCertificatesByChild(db, ids), (r) => r.childId);
        return ids.map((id) => byChild.get(id)?.at(-1) ?? null);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    immunizationsByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await immunizationRecordsByChild(db, ids), (r) => r.childId);
        return ids.map((id) => byChild.get(id) ?? []);
      },
      { maxBatchSize: MAX_BATCH },
    ),
    contractsByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await doctorContractsByChild(db, ids), (r) => r.childId);
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
    childrenOfSite(scope) {
      let loader = siteChildrenByScope.get(scope);
      if (!loader) {
        loader = pageLoader(async (codes, after, take) => {
          const bySite = groupBy(
            await childrenOfSites(db, codes, after, take, (childId) => scope.childCondition(childId)),
            (r) => r.siteCode,
          );
          return codes.map((code) => (bySite.get(code) ?? []).map((r) => r.childId));
        });
        siteChildrenByScope.set(scope, loader);
      }
      return loader;
    },
    patientsOfDoctor: pageLoader(async (codes, after, take) => {
      const byDoctor = groupBy(await patientsOfDoctors(db, codes, after, take), (r) => r.doctorCode);
      return codes.map((code) => (byDoctor.get(code) ?? []).map(({ contract, childId }) => ({ contract, childId })));
    }),
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
