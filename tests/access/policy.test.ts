import { Kind, parse, type FieldDefinitionNode, type ObjectTypeDefinitionNode, type TypeNode } from "graphql";
import { describe, expect, it } from "vitest";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import {
  decisionFor,
  FEDERATION_FIELDS,
  listPolicyEntries,
  MASK_KINDS,
  maskKindOf,
  POLICY_COLUMNS,
  policyRows,
  type Decision,
  type PolicySubject,
} from "../../src/access/fields/field-rules.ts";
import { DEPARTMENTS, ROLES, type Department, type Role } from "../../src/access/identity/viewer.ts";
import { rowFilterFor } from "../../src/access/rows/scopes.ts";

/** The supergraph's object types and their fields, with the subgraph that resolves each field. */
interface SchemaField {
  type: string;
  field: string;
  /** The field's named type, lists and non-null unwrapped. */
  returns: string;
  /** Subgraphs that resolve the field (several for shared fields such as an entity key). */
  owners: string[];
}

const FEDERATION_TYPE = /^(_Service|_Entity|_Any|join__|link__)/;

function supergraphFields(): { fields: SchemaField[]; objectTypes: Set<string> } {
  const document = parse(readSupergraph());
  const objects = document.definitions.filter(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && !FEDERATION_TYPE.test(d.name.value),
  );
  const fields: SchemaField[] = [];
  for (const type of objects) {
    const typeGraphs = graphsOf(type.directives ?? [], "join__type");
    for (const field of type.fields ?? []) {
      if (field.name.value.startsWith("_")) continue; // _entities, _service
      const fieldGraphs = graphsOf(field.directives ?? [], "join__field");
      fields.push({
        type: type.name.value,
        field: field.name.value,
        returns: namedType(field.type),
        owners: fieldGraphs.length > 0 ? fieldGraphs : typeGraphs,
      });
    }
  }
  return { fields, objectTypes: new Set(objects.map((o) => o.name.value)) };
}

function graphsOf(
  directives: readonly NonNullable<FieldDefinitionNode["directives"]>[number][],
  name: string,
): string[] {
  return directives
    .filter((d) => d.name.value === name)
    .map((d) => d.arguments?.find((a) => a.name.value === "graph")?.value)
    .filter((v) => v?.kind === Kind.ENUM)
    .map((v) => (v as { value: string }).value.toLowerCase());
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

const { fields: SCHEMA, objectTypes: OBJECT_TYPES } = supergraphFields();
const rows = new Set(policyRows());
const RANK: Record<Decision, number> = { deny: 0, mask: 1, allow: 2 };

function decisionOf(subject: PolicySubject, type: string, field: string): Decision {
  const [role, department] = subject.split(":") as [Role, Department | undefined];
  return decisionFor(role, type, field, department);
}

describe("the policy table against the supergraph", () => {
  it("has a row (a decision for every role) for every field of every object type", () => {
    const missing = SCHEMA.filter((f) => !rows.has(`${f.type}.${f.field}`)).map((f) => `${f.type}.${f.field}`);
    expect(
      missing,
      "fields without a policy row: add them to src/access/fields/field-rules.ts with a decision for every role",
    ).toEqual([]);
  });

  it("names no field the supergraph lacks", () => {
    const known = new Set(SCHEMA.map((f) => `${f.type}.${f.field}`));
    const stale = [...rows].filter((key) => !known.has(key));
    expect(stale, "policy rows for fields that do not exist (renamed or removed?)").toEqual([]);
  });

  it("lists one entry per column for every row", () => {
    const entries = listPolicyEntries();
    expect(entries).toHaveLength(rows.size * POLICY_COLUMNS.length);
    const checked = SCHEMA.length * POLICY_COLUMNS.length;
    // The number of (role, type, field) decisions the generated authorization tests walk.
    expect(checked).toBeGreaterThan(1_000);
  });

  it("masks only fields that have a mask kind, and only string fields", () => {
    const masked = listPolicyEntries().filter((e) => e.decision === "mask");
    expect(masked.length).toBeGreaterThan(0);
    for (const entry of masked) {
      expect(
        maskKindOf(entry.typeName, entry.fieldName),
        `${entry.typeName}.${entry.fieldName} is masked for ${entry.subject} but has no mask kind`,
      ).toBeDefined();
      const field = SCHEMA.find((f) => f.type === entry.typeName && f.field === entry.fieldName);
      if (field) expect(field.returns).toBe("String");
    }
    for (const key of Object.keys(MASK_KINDS))
      expect(rows.has(key), `MASK_KINDS names ${key}, which has no policy row`).toBe(true);
  });

  it("never shows an identifier carrying an ID number more openly than the child's own ID number", () => {
    const carriers = Object.entries(MASK_KINDS)
      .filter(([, kind]) => kind === "idNumber" || kind === "studentNumber")
      .map(([key]) => key.split(".") as [string, string]);
    for (const role of ROLES.filter((r) => r !== "department_system")) {
      const own = RANK[decisionFor(role, "Child", "idNumber")];
      for (const [type, field] of carriers) {
        // A guardian's or parent's ID number may be stricter than the child's, never looser.
        expect(
          RANK[decisionFor(role, type, field)],
          `${role} sees ${type}.${field} more openly than Child.idNumber`,
        ).toBeLessThanOrEqual(own);
      }
    }
  });

  it("gives every readable object-typed field a type the role can read something of", () => {
    for (const subject of POLICY_COLUMNS) {
      for (const f of SCHEMA) {
        if (decisionOf(subject, f.type, f.field) === "deny" || !OBJECT_TYPES.has(f.returns)) continue;
        const readable = SCHEMA.some((g) => g.type === f.returns && decisionOf(subject, g.type, g.field) !== "deny");
        expect(readable, `${subject} may read ${f.type}.${f.field} but nothing of ${f.returns}`).toBe(true);
      }
    }
  });

  it(
    "lets a department system read only its own subgraph's fields, " +
      "the child's key, its insurance status and paging",
    () => {
      const shared = new Set([
        "Child.id",
        "Child.insurance",
        "ChildInsurance.insuredFor",
        "Child.coverage",
        "Query.child",
        "Query.childByIdNumber",
        "Query.childByBirthCertificateNumber",
        "Query.childByStudentNumber",
        "Query.childrenInRegion",
      ]);
      // A child's coverage status is its insurance status: every department's system reads it.
      const insuranceStatusTypes = ["ChildCoverage"];
      // The insurance department's own system also lists the gaps it acts on.
      const insuranceGapFields = new Set(["Query.coverageGaps", "Query.newbornWatchlist"]);
      const insuranceGapTypes = ["CoverageGap", "CoverageGapConnection", "CoverageGapEdge"];
      for (const department of DEPARTMENTS) {
        const foreign = SCHEMA.filter((f) => decisionFor("department_system", f.type, f.field, department) !== "deny")
          .filter(
            (f) =>
              !f.owners.includes(department) &&
              !shared.has(`${f.type}.${f.field}`) &&
              !["PageInfo", "ChildConnection", "ChildEdge", ...insuranceStatusTypes].includes(f.type),
          )
          .filter(
            (f) =>
              department !== "insurance" ||
              (!insuranceGapFields.has(`${f.type}.${f.field}`) && !insuranceGapTypes.includes(f.type)),
          )
          .map((f) => `${f.type}.${f.field} (${f.owners.join(",")})`);
        expect(foreign, `department_system:${department} reads another department's fields`).toEqual([]);
      }
    },
  );

  it("keeps federation plumbing open and everything else closed by default", () => {
    for (const key of FEDERATION_FIELDS) {
      const [type, field] = key.split(".") as [string, string];
      expect(decisionFor("anonymous", type, field)).toBe("allow");
    }
    expect(decisionFor("insurance_officer", "Child", "aFieldNobodyDeclared")).toBe("deny");
    expect(decisionFor("insurance_officer", "SomeNewType", "id")).toBe("deny");
    expect(SCHEMA.every((f) => decisionFor("anonymous", f.type, f.field) === "deny")).toBe(true);
    expect(decisionFor("department_system", "Child", "id")).toBe("deny"); // no department, no column
  });
});

describe("the policy table against DESIGN.md's matrix", () => {
  const childFields = SCHEMA.filter((f) => f.type === "Child").map((f) => f.field);
  const individualTypes = [
    "Child",
    "Guardian",
    "Hukou",
    "BirthCertificate",
    "ImmunizationRecord",
    "DoctorContract",
    "StudentRegistration",
    "Enrollment",
    "Contribution",
    "AssistanceEligibility",
    "HouseholdMember",
    "Household",
    "ChildSource",
    "Patient",
  ];

  function expectDecisions(role: Role, expected: Record<string, Decision>, department?: Department) {
    const actual = Object.fromEntries(
      Object.keys(expected).map((key) => [key, decisionFor(role, key.split(".")[0]!, key.split(".")[1]!, department)]),
    );
    expect(actual).toEqual(expected);
  }

  it(
    "insurance officer: identity incl. full ID, hukou, guardians' contact, all insurance fields; " +
      "not immunizations",
    () => {
      expectDecisions("insurance_officer", {
        "Child.idNumber": "allow",
        "Child.hukou": "allow",
        "Hukou.address": "allow",
        "Child.guardians": "allow",
        "Guardian.phone": "allow",
        "Guardian.idNumber": "allow",
        "Child.insurance": "allow",
        "ChildInsurance.enrollments": "allow",
        "Enrollment.paidOn": "allow",
        "Enrollment.contributions": "allow",
        "Contribution.payerIdNumber": "allow",
        "ChildInsurance.assistanceEligibility": "allow",
        "Child.immunizations": "deny",
        "ImmunizationRecord.doses": "deny",
        "Child.doctorContracts": "deny",
      });
    },
  );

  it(
    "health officer: identity with the ID masked, birth certificates, immunizations, insurance status; " +
      "not hukou address, not payment",
    () => {
      expectDecisions("health_officer", {
        "Child.name": "allow",
        "Child.idNumber": "mask",
        "Child.birthCertificate": "allow",
        "BirthCertificate.motherIdNumber": "mask",
        "Child.immunizations": "allow",
        "ImmunizationDose.vaccineName": "allow",
        "ChildInsurance.insuredFor": "allow",
        "Enrollment.status": "allow",
        "Enrollment.idNumber": "mask",
        "Hukou.address": "deny",
        "Enrollment.paidOn": "deny",
        "Enrollment.contributions": "deny",
        "Contribution.amountFen": "deny",
        "ChildInsurance.assistanceEligibility": "deny",
      });
    },
  );

  it(
    "education officer: identity with the ID masked, enrollment, insurance status; " + "not health, hukou, guardians",
    () => {
      expectDecisions("education_officer", {
        "Child.idNumber": "mask",
        "Child.enrollment": "allow",
        "StudentRegistration.studentNumber": "mask",
        "ChildInsurance.insuredFor": "allow",
        "Child.immunizations": "deny",
        "Child.birthCertificate": "deny",
        "Child.hukou": "deny",
        "Child.guardians": "deny",
        "StudentRegistration.guardianPhone": "deny",
      });
    },
  );

  it(
    "school admin: name, sex, birth date, ID masked, grade and class, insurance status; " +
      "not health, hukou, guardians, payment",
    () => {
      expectDecisions("school_admin", {
        "Child.name": "allow",
        "Child.sex": "allow",
        "Child.birthDate": "allow",
        "Child.idNumber": "mask",
        "StudentRegistration.grade": "allow",
        "StudentRegistration.className": "allow",
        "StudentRegistration.studentNumber": "mask",
        "ChildInsurance.insuredFor": "allow",
        "Child.immunizations": "deny",
        "Child.birthCertificate": "deny",
        "Child.familyDoctor": "deny",
        "Child.hukou": "deny",
        "Child.guardians": "deny",
        "StudentRegistration.guardianPhone": "deny",
        "Enrollment.paidOn": "deny",
        "Enrollment.contributions": "deny",
      });
    },
  );

  it(
    "family doctor: identity incl. ID, immunizations, insurance status, guardian contact; " +
      "not hukou address, school records, payment",
    () => {
      expectDecisions("family_doctor", {
        "Child.idNumber": "allow",
        "Child.immunizations": "allow",
        "ChildInsurance.insuredFor": "allow",
        "Child.guardians": "allow",
        "Guardian.phone": "allow",
        "DoctorContract.guardianPhone": "allow",
        "Hukou.address": "deny",
        "Child.enrollment": "deny",
        "Child.studentRegistrations": "deny",
        "Enrollment.paidOn": "deny",
        "Enrollment.contributions": "deny",
      });
    },
  );

  it("household officer: identity, hukou, guardians, insurance status; not health, payment", () => {
    expectDecisions("household_officer", {
      "Child.idNumber": "allow",
      "Child.hukou": "allow",
      "Hukou.address": "allow",
      "Child.guardians": "allow",
      "ChildInsurance.insuredFor": "allow",
      "Child.immunizations": "deny",
      "Child.birthCertificate": "deny",
      "Enrollment.contributions": "deny",
      "Enrollment.paidOn": "deny",
    });
  });

  it("analyst: no individual child's field at all", () => {
    const open = SCHEMA.filter(
      (f) => individualTypes.includes(f.type) && decisionFor("analyst", f.type, f.field) !== "deny",
    );
    expect(open).toEqual([]);
    expect(childFields.length).toBeGreaterThan(10);
    for (const root of [
      "child",
      "childByIdNumber",
      "childByStudentNumber",
      "childByBirthCertificateNumber",
      "childrenInRegion",
      "enrollmentsByIdNumber",
      "studentRegistration",
      "household",
    ]) {
      expect(decisionFor("analyst", "Query", root), `analyst may call Query.${root}`).toBe("deny");
    }
  });

  it("auditor: the access log only (and a child's history read from it: who looked at the child)", () => {
    const open = SCHEMA.filter((f) => decisionFor("auditor", f.type, f.field) !== "deny").map(
      (f) => `${f.type}.${f.field}`,
    );
    const fromTheLog = (f: string) => f.startsWith("AccessLog") || f.startsWith("ChildAccess");
    expect(open.filter((f) => !fromTheLog(f) && !f.startsWith("PageInfo.")).sort()).toEqual([
      "Query.accessLog",
      "Query.whoLookedAt",
    ]);
    expect(open).toEqual(
      expect.arrayContaining(["PageInfo.hasNextPage", "AccessLogEntry.actor", "AccessLogConnection.edges"]),
    );
    expect(decisionFor("auditor", "Query", "accessLog")).toBe("allow");
    expect(decisionFor("auditor", "AccessLogEntry", "childIds")).toBe("allow");
    expect(decisionFor("insurance_officer", "Query", "accessLog")).toBe("deny");
  });

  it("department system: its own department's records and every department's insurance status", () => {
    expectDecisions(
      "department_system",
      {
        "Child.immunizations": "allow",
        "Child.hukou": "deny",
        "ChildInsurance.insuredFor": "allow",
        "Enrollment.paidOn": "deny",
      },
      "health",
    );
    expectDecisions(
      "department_system",
      { "Enrollment.paidOn": "allow", "Contribution.payerIdNumber": "allow", "Child.immunizations": "deny" },
      "insurance",
    );
  });
});

describe("row scopes", () => {
  it("turns each role's token scope into the filter the data layer applies", () => {
    expect(rowFilterFor({ subject: "a", role: "school_admin", scope: { schools: ["2330106101"] } })).toEqual({
      kind: "schools",
      schools: ["2330106101"],
    });
    expect(rowFilterFor({ subject: "a", role: "family_doctor", scope: { doctor: "D3301060001" } })).toEqual({
      kind: "doctor",
      doctor: "D3301060001",
    });
    // #18.8: officers and department systems read their department's records of their region only.
    expect(rowFilterFor({ subject: "a", role: "education_officer", scope: { region: "3301" } })).toEqual({
      kind: "region",
      prefix: "3301",
      basis: "school",
      regionRecords: "education",
    });
    expect(rowFilterFor({ subject: "a", role: "household_officer", scope: { region: "33" } })).toEqual({
      kind: "region",
      prefix: "33",
      basis: "household-registration",
      regionRecords: "household",
    });
    expect(
      rowFilterFor({ subject: "a", role: "department_system", scope: { region: "33", department: "health" } }),
    ).toEqual({
      kind: "region",
      prefix: "33",
      basis: "department-records",
      department: "health",
      regionRecords: "health",
    });
  });

  it("gives no individual rows to the analyst, the auditor, the anonymous, or a scope that lost its members", () => {
    expect(rowFilterFor({ subject: "a", role: "analyst", scope: { region: "33" } })).toEqual({ kind: "none" });
    expect(rowFilterFor({ subject: "a", role: "auditor", scope: {} })).toEqual({ kind: "none" });
    expect(rowFilterFor({ subject: "anonymous", role: "anonymous", scope: {} })).toEqual({ kind: "none" });
    expect(rowFilterFor({ subject: "a", role: "school_admin", scope: {} })).toEqual({ kind: "none" });
    expect(rowFilterFor({ subject: "a", role: "insurance_officer", scope: {} })).toEqual({ kind: "none" });
  });
});
