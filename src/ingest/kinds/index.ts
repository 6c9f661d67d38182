import type { Department } from "../../access/identity/viewer.ts";
import type { RecordKind } from "../kind.ts";
import { schoolKind, studentRegistrationKind } from "./education.ts";
import {
  birthCertificateKind,
  doctorContractKind,
  familyDoctorKind,
  hospitalKind,
  immunizationDoseKind,
  immunizationRecordKind,
  vaccinationSiteKind,
} from "./health.ts";
import { guardianshipKind, householdKind, personKind } from "./household.ts";
import { assistanceEligibilityKind, contributionKind, coordinationAreaKind, enrollmentKind } from "./insurance.ts";

/**
 * Every kind of record a department may send, by name ("education.student_registration").
 * Files, GraphQL batches and the README's column tables all come from these definitions.
 */
export const RECORD_KINDS: readonly RecordKind[] = [
  householdKind,
  personKind,
  guardianshipKind,
  hospitalKind,
  birthCertificateKind,
  vaccinationSiteKind,
  immunizationRecordKind,
  immunizationDoseKind,
  familyDoctorKind,
  doctorContractKind,
  schoolKind,
  studentRegistrationKind,
  coordinationAreaKind,
  enrollmentKind,
  contributionKind,
  assistanceEligibilityKind,
];

export function recordKind(name: string): RecordKind | undefined {
  return RECORD_KINDS.find((k) => k.name === name);
}

export function kindsOf(department: Department): RecordKind[] {
  return RECORD_KINDS.filter((k) => k.department === department);
}
