import { and, asc, eq, gt, inArray, isNull, lte, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { withinRegion } from "../../db/region.ts";
import { links } from "../../db/tables/hub.ts";
import {
  birthCertificates,
  doctorContracts,
  familyDoctors,
  hospitals,
  immunizationDoses,
  immunizationRecords,
  vaccinationSites,
} from "../../db/tables/health.ts";

export type BirthCertificateRow = typeof birthCertificates.$inferSelect;
export type ImmunizationRecordRow = typeof immunizationRecords.$inferSelect;
export type ImmunizationDoseRow = typeof immunizationDoses.$inferSelect;
export type DoctorContractRow = typeof doctorContracts.$inferSelect;

/** Places and people, already shaped as the GraphQL types (their key is `code`). */
export interface HospitalRow {
  code: string;
  name: string;
  regionCode: string;
}
export type VaccinationSiteRow = HospitalRow;
export interface FamilyDoctorRow {
  code: string;
  name: string;
  institution: string;
  teamName: string | null;
  phone: string | null;
  regionCode: string;
}

/**
 * An ACTIVE contract of a doctor and the master child it is linked to, if any (on the contract as
 * well, for the audit).
 */
export interface PatientRow {
  contract: DoctorContractRow & { childId: number | null };
  childId: number | null;
}

/** One page of a connection under many parents at once: the parent's key, where the page starts, its size. */
export interface PageKey {
  key: string;
  /** Exclusive lower bound of the sort key (0 for the first page). */
  after: number;
  /** Rows wanted: the page size plus one, which only says whether a next page exists. */
  take: number;
}

const currentLink = (
  source: "health.birth_certificate" | "health.immunization_record" | "health.doctor_contract",
  recordId: AnyColumn,
) => and(eq(links.source, source), eq(links.recordId, recordId), isNull(links.unlinkedAt));

/*
 * A department reads its own tables plus the hub's link table (the one shared table), never
 * another department's. Each function answers a whole batch of keys in one statement. `shown`
 * is the viewer's condition on a record's id (`RowAccess.recordCondition`: only the records of
 * its region), or null for every record.
 */

/** The records of a source a viewer is shown: a condition on the record id, or null for all. */
export type Shown = (recordId: SQL) => SQL | null;

export async function birthCertificatesByChild(
  db: Db,
  childIds: readonly number[],
  shown: Shown = () => null,
): Promise<(BirthCertificateRow & { childId: number })[]> {
  if (childIds.length === 0) return [];
  const rows = await db
    .select({ childId: links.childId, certificate: birthCertificates })
    .from(links)
    .innerJoin(birthCertificates, currentLink("health.birth_certificate", birthCertificates.recordId))
    .where(and(inArray(links.childId, [...childIds]), shown(sql`${birthCertificates.recordId}`) ?? undefined))
    .orderBy(asc(birthCertificates.id));
  return rows.map((r) => ({ ...r.certificate, childId: r.childId }));
}

export async function immunizationRecordsByChild(
  db: Db,
  childIds: readonly number[],
  shown: Shown = () => null,
): Promise<(ImmunizationRecordRow & { childId: number })[]> {
  if (childIds.length === 0) return [];
  const rows = await db
    .select({ childId: links.childId, record: immunizationRecords })
    .from(links)
    .innerJoin(immunizationRecords, currentLink("health.immunization_record", immunizationRecords.recordId))
    .where(and(inArray(links.childId, [...childIds]), shown(sql`${immunizationRecords.recordId}`) ?? undefined))
    .orderBy(asc(immunizationRecords.id));
  return rows.map((r) => ({ ...r.record, childId: r.childId }));
}

export async function doctorContractsByChild(
  db: Db,
  childIds: readonly number[],
  shown: Shown = () => null,
): Promise<(DoctorContractRow & { childId: number })[]> {
  if (childIds.length === 0) return [];
  const rows = await db
    .select({ childId: links.childId, contract: doctorContracts })
    .from(links)
    .innerJoin(doctorContracts, currentLink("health.doctor_contract", doctorContracts.recordId))
    .where(and(inArray(links.childId, [...childIds]), shown(sql`${doctorContracts.recordId}`) ?? undefined))
    .orderBy(asc(doctorContracts.signedOn), asc(doctorContracts.id));
  return rows.map((r) => ({ ...r.contract, childId: r.childId }));
}

export async function dosesOfRecords(db: Db, recordIds: readonly string[]): Promise<ImmunizationDoseRow[]> {
  if (recordIds.length === 0) return [];
  return db
    .select()
    .from(immunizationDoses)
    .where(inArray(immunizationDoses.immunizationRecordId, [...recordIds]))
    .orderBy(
      asc(immunizationDoses.givenOn),
      asc(immunizationDoses.vaccineCode),
      asc(immunizationDoses.doseNumber),
      asc(immunizationDoses.id),
    );
}

const hospitalColumns = { code: hospitals.hospitalCode, name: hospitals.name, regionCode: hospitals.regionCode };
const siteColumns = {
  code: vaccinationSites.siteCode,
  name: vaccinationSites.name,
  regionCode: vaccinationSites.regionCode,
};
const doctorColumns = {
  code: familyDoctors.doctorCode,
  name: familyDoctors.name,
  institution: familyDoctors.institution,
  teamName: familyDoctors.teamName,
  phone: familyDoctors.phone,
  regionCode: familyDoctors.regionCode,
};

export async function hospitalsByCode(db: Db, codes: readonly string[]): Promise<HospitalRow[]> {
  if (codes.length === 0) return [];
  return db
    .select(hospitalColumns)
    .from(hospitals)
    .where(inArray(hospitals.hospitalCode, [...codes]));
}

export async function sitesByCode(db: Db, codes: readonly string[]): Promise<VaccinationSiteRow[]> {
  if (codes.length === 0) return [];
  return db
    .select(siteColumns)
    .from(vaccinationSites)
    .where(inArray(vaccinationSites.siteCode, [...codes]));
}

export async function doctorsByCode(db: Db, codes: readonly string[]): Promise<FamilyDoctorRow[]> {
  if (codes.length === 0) return [];
  return db
    .select(doctorColumns)
    .from(familyDoctors)
    .where(inArray(familyDoctors.doctorCode, [...codes]));
}

/** Sites of a region in code order, from after `afterCode`: `limit` rows (callers ask for one extra). */
export async function sitesInRegion(
  db: Db,
  prefix: string,
  afterCode: string | null,
  limit: number,
): Promise<VaccinationSiteRow[]> {
  return db
    .select(siteColumns)
    .from(vaccinationSites)
    .where(
      and(
        withinRegion(vaccinationSites.regionCode, prefix),
        afterCode === null ? undefined : gt(vaccinationSites.siteCode, afterCode),
      ),
    )
    .orderBy(asc(vaccinationSites.siteCode))
    .limit(limit);
}

export async function doctorsInRegion(
  db: Db,
  prefix: string,
  afterCode: string | null,
  limit: number,
): Promise<FamilyDoctorRow[]> {
  return db
    .select(doctorColumns)
    .from(familyDoctors)
    .where(
      and(
        withinRegion(familyDoctors.regionCode, prefix),
        afterCode === null ? undefined : gt(familyDoctors.doctorCode, afterCode),
      ),
    )
    .orderBy(asc(familyDoctors.doctorCode))
    .limit(limit);
}

/**
 * The first `take` distinct master children with an immunization file at each site, in child
 * id order after `after`, among those `inScope` (the viewer's rows, `RowAccess.childCondition`):
 * one statement for many sites (a window per site), so a page of sites with their children
 * costs one round trip, not one per site. The scope is a condition of the same statement, not a
 * filter afterwards, so pages stay full and cursors exact.
 */
export async function childrenOfSites(
  db: Db,
  siteCodes: readonly string[],
  after: number,
  take: number,
  inScope: (childId: SQL) => SQL,
  shown: Shown = () => null,
): Promise<{ siteCode: string; childId: number }[]> {
  if (siteCodes.length === 0) return [];
  const distinctChildren = db
    .selectDistinct({ siteCode: immunizationRecords.siteCode, childId: links.childId })
    .from(immunizationRecords)
    .innerJoin(links, currentLink("health.immunization_record", immunizationRecords.recordId))
    .where(
      and(
        inArray(immunizationRecords.siteCode, [...siteCodes]),
        gt(links.childId, after),
        inScope(sql`${links.childId}`),
        shown(sql`${immunizationRecords.recordId}`) ?? undefined,
      ),
    )
    .as("site_children");
  const ranked = db
    .select({
      siteCode: distinctChildren.siteCode,
      childId: distinctChildren.childId,
      rank: sql<number>`row_number() over (
        partition by ${distinctChildren.siteCode} order by ${distinctChildren.childId})`.as("rank"),
    })
    .from(distinctChildren)
    .as("ranked");
  const rows = await db
    .select({ siteCode: ranked.siteCode, childId: ranked.childId })
    .from(ranked)
    .where(lte(ranked.rank, take))
    .orderBy(asc(ranked.siteCode), asc(ranked.childId));
  return rows.map((r) => ({ siteCode: r.siteCode, childId: Number(r.childId) }));
}

/**
 * The first `take` ACTIVE contracts of each doctor in contract id order after `after`, each with
 * the master child its current link points at (null when the contract is not linked yet), among
 * those `inScope` keeps (a condition on the contract's child id, or null for none: the viewer's
 * rows, `RowAccess.memberCondition`). The condition is part of the statement, so pages stay
 * full and cursors exact.
 */
export async function patientsOfDoctors(
  db: Db,
  doctorCodes: readonly string[],
  after: number,
  take: number,
  inScope: (childId: SQL) => SQL | null,
): Promise<(PatientRow & { doctorCode: string })[]> {
  if (doctorCodes.length === 0) return [];
  const ranked = db
    .select({
      contractId: doctorContracts.id,
      childId: links.childId,
      rank: sql<number>`row_number() over (
        partition by ${doctorContracts.doctorCode} order by ${doctorContracts.id})`.as("rank"),
    })
    .from(doctorContracts)
    .leftJoin(links, currentLink("health.doctor_contract", doctorContracts.recordId))
    .where(
      and(
        inArray(doctorContracts.doctorCode, [...doctorCodes]),
        eq(doctorContracts.status, "ACTIVE"),
        gt(doctorContracts.id, after),
        inScope(sql`${links.childId}`) ?? undefined,
      ),
    )
    .as("ranked");
  const rows = await db
    .select({ contract: doctorContracts, childId: ranked.childId })
    .from(ranked)
    .innerJoin(doctorContracts, eq(doctorContracts.id, ranked.contractId))
    .where(lte(ranked.rank, take))
    .orderBy(asc(doctorContracts.doctorCode), asc(doctorContracts.id));
  return rows.map((r) => {
    const childId = r.childId === null ? null : Number(r.childId);
    // The contract carries its child too: the audit logs DoctorContract reads by it.
    return { contract: { ...r.contract, childId }, childId, doctorCode: r.contract.doctorCode };
  });
}
