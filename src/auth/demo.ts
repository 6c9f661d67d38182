import { sql } from "drizzle-orm";
import type { AuthConfig } from "../config/index.ts";
import { queryRows, type Db } from "../db/client.ts";
import { signToken } from "./tokens.ts";
import { ROLES, type AuthenticatedViewer, type Role } from "./viewer.ts";

/** Where the demo viewers sit: one real school, one real family doctor, and their county. */
export interface DemoAnchor {
  /** A 10-digit school code with enrolled students. */
  school: string;
  /** A family doctor code with active contracts. */
  doctor: string;
  /** The school's county (6-digit division code). */
  county: string;
}

/**
 * One viewer per role, scoped to match the demo province around `anchor`: officers see the
 * anchor's prefecture (e.g. "3301"), the analyst and the insurance department's system the
 * province ("33"), the school administrator the anchor school, the family doctor the anchor
 * doctor.
 *
 *   demoViewers({ school: "2330106101", doctor: "D3301060001", county: "330106" }).school_admin
 *   // { subject: "demo-school-admin", role: "school_admin", scope: { schools: ["2330106101"] } }
 */
export function demoViewers(anchor: DemoAnchor): Record<Role, AuthenticatedViewer> {
  const prefecture = anchor.county.slice(0, 4);
  const province = anchor.county.slice(0, 2);
  const scopes: Record<Role, AuthenticatedViewer["scope"]> = {
    insurance_officer: { region: prefecture },
    health_officer: { region: prefecture },
    education_officer: { region: prefecture },
    school_admin: { schools: [anchor.school] },
    family_doctor: { doctor: anchor.doctor },
    household_officer: { region: prefecture },
    analyst: { region: province },
    auditor: {},
    department_system: { department: "insurance", region: province },
  };
  return Object.fromEntries(ROLES.map((role) => [role, { subject: `demo-${role.replaceAll("_", "-")}`, role, scope: scopes[role] }])) as Record<Role, AuthenticatedViewer>;
}

/**
 * The demo anchor read from the database (one statement): the first school, by code, with an
 * ENROLLED student, and the first family doctor, by code, with an ACTIVE contract. Throws when
 * the database holds neither (seed it first).
 */
export async function demoAnchorFromDatabase(db: Db): Promise<DemoAnchor> {
  const rows = await queryRows<{ school: string | null; county: string | null; doctor: string | null }>(
    db,
    sql`
    select
      (select s.school_code from education.schools s
        where exists (select 1 from education.student_registrations r where r.school_code = s.school_code and r.status = 'ENROLLED')
        order by s.school_code limit 1) as school,
      (select s.region_code from education.schools s
        where exists (select 1 from education.student_registrations r where r.school_code = s.school_code and r.status = 'ENROLLED')
        order by s.school_code limit 1) as county,
      (select d.doctor_code from health.family_doctors d
        where exists (select 1 from health.doctor_contracts c where c.doctor_code = d.doctor_code and c.status = 'ACTIVE')
        order by d.doctor_code limit 1) as doctor`,
  );
  const row = rows[0];
  if (!row?.school || !row.county || !row.doctor) {
    throw new Error("no demo viewers: the database has no school with enrolled students or no family doctor with active contracts (seed a province first)");
  }
  return { school: row.school, county: row.county.trim(), doctor: row.doctor };
}

/** `demoViewers` anchored on what the database holds. */
export async function demoViewersFromDatabase(db: Db): Promise<Record<Role, AuthenticatedViewer>> {
  return demoViewers(await demoAnchorFromDatabase(db));
}

/** A signed demo token per role (HS256 with the configured secret), for `npm start` to print. */
export async function demoTokens(db: Db, config: AuthConfig, options: { expiresIn?: string } = {}): Promise<{ role: Role; viewer: AuthenticatedViewer; token: string }[]> {
  const viewers = await demoViewersFromDatabase(db);
  const tokens = [];
  for (const role of ROLES) tokens.push({ role, viewer: viewers[role], token: await signToken(viewers[role], config, { expiresIn: options.expiresIn ?? "30 days" }) });
  return tokens;
}
