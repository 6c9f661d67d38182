import { sql } from "drizzle-orm";
import type { AuthConfig } from "../../config/index.ts";
import { queryRows, type Db } from "../../db/client.ts";
import { schools, studentRegistrations } from "../../db/tables/education.ts";
import { doctorContracts, familyDoctors } from "../../db/tables/health.ts";
import { persons } from "../../db/tables/household.ts";
import { enrollments } from "../../db/tables/insurance.ts";
import { signToken } from "./tokens.ts";
import { ROLES, type AuthenticatedViewer, type Role } from "./viewer.ts";

/**
 * Where the demo viewers sit: one real school, one real family doctor, and their county —
 * around one demo child whom every demo viewer with individual rows can reach (row scopes
 * would hide any other child from some of them).
 */
export interface DemoAnchor {
  /**
   * The demo child's resident ID number: a student of `school`, a patient of `doctor`, with hukou in the
   * county's prefecture.
   */
  idNumber?: string;
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
  return Object.fromEntries(
    ROLES.map((role) => [role, { subject: `demo-${role.replaceAll("_", "-")}`, role, scope: scopes[role] }]),
  ) as Record<Role, AuthenticatedViewer>;
}

/**
 * The demo anchor read from the database: the first child (by person record) with an ID
 * number, an ENROLLED registration, an ACTIVE family-doctor contract and an insurance
 * enrollment, whose hukou, school and doctor lie in one prefecture, at a school where some pupil
 * has no enrollment if there is one — so the example child is
 * inside every demo viewer's row scope. A province too small to have one falls back to the first
 * school with an enrolled student and the first doctor with an active contract. Throws when the
 * database holds neither (seed it first).
 */
export async function demoAnchorFromDatabase(db: Db): Promise<DemoAnchor> {
  // A school with a pupil no enrollment names gives the demo's school administrator gaps to work
  // on; a province without one still gets an anchor.
  const schoolWithGap = sql`exists (select 1 from ${studentRegistrations} r
     where r.school_code = sc.school_code and r.status = 'ENROLLED' and r.id_number is not null
       and not exists (select 1 from ${enrollments} e where e.id_number = r.id_number))`;
  for (const preferred of [schoolWithGap, sql`true`]) {
    const [child] = await queryRows<{ id_number: string; school: string; county: string; doctor: string }>(
      db,
      sql`
      select p.id_number, s.school_code as school, sc.region_code as county, c.doctor_code as doctor
        from ${persons} p
        join ${studentRegistrations} s on s.id_number = p.id_number and s.status = 'ENROLLED'
        join ${schools} sc on sc.school_code = s.school_code
        join ${doctorContracts} c on c.patient_id_number = p.id_number and c.status = 'ACTIVE'
        join ${familyDoctors} d on d.doctor_code = c.doctor_code
       where left(p.hukou_region_code, 4) = left(sc.region_code, 4) and left(d.region_code, 4) = left(sc.region_code, 4)
         and exists (select 1 from ${enrollments} e where e.id_number = p.id_number)
         and ${preferred}
       order by p.id limit 1`,
    );
    if (child)
      return { idNumber: child.id_number, school: child.school, county: child.county.trim(), doctor: child.doctor };
  }
  const rows = await queryRows<{ school: string | null; county: string | null; doctor: string | null }>(
    db,
    sql`
    select
      (select s.school_code from ${schools} s
        where exists (select 1 from ${studentRegistrations} r
                       where r.school_code = s.school_code and r.status = 'ENROLLED')
        order by s.school_code limit 1) as school,
      (select s.region_code from ${schools} s
        where exists (select 1 from ${studentRegistrations} r
                       where r.school_code = s.school_code and r.status = 'ENROLLED')
        order by s.school_code limit 1) as county,
      (select d.doctor_code from ${familyDoctors} d
        where exists (select 1 from ${doctorContracts} c
                       where c.doctor_code = d.doctor_code and c.status = 'ACTIVE')
        order by d.doctor_code limit 1) as doctor`,
  );
  const row = rows[0];
  if (!row?.school || !row.county || !row.doctor) {
    throw new Error(
      "no demo viewers: the database has no school with enrolled students or no family doctor with active contracts " +
        "(seed a province first)",
    );
  }
  return { school: row.school, county: row.county.trim(), doctor: row.doctor };
}

/** `demoViewers` anchored on what the database holds. */
export async function demoViewersFromDatabase(db: Db): Promise<Record<Role, AuthenticatedViewer>> {
  return demoViewers(await demoAnchorFromDatabase(db));
}

/**
 * A signed demo token per role (HS256 with the configured secret), for `npm start` to print and
 * the console's demo sign-in. They live as long as the hub accepts (HUB_JWT_MAX_LIFETIME, 24 h
 * by default) unless `expiresIn` (seconds) is shorter.
 */
export async function demoTokens(
  db: Db,
  config: AuthConfig,
  options: { expiresIn?: number } = {},
): Promise<{ role: Role; viewer: AuthenticatedViewer; token: string }[]> {
  const viewers = await demoViewersFromDatabase(db);
  const expiresIn = Math.min(options.expiresIn ?? Infinity, config.maxLifetimeSeconds);
  const tokens = [];
  for (const role of ROLES)
    tokens.push({ role, viewer: viewers[role], token: await signToken(viewers[role], config, { expiresIn }) });
  return tokens;
}

/**
 * Whether the hub may hand out demo identities (the console's sign-in list): only with the
 * public demo secret, which anyone can sign with anyway, and never in production (which refuses
 * that secret; this holds even if a configuration got past it).
 */
export function offersDemoIdentities(config: { auth: AuthConfig; production: boolean }): boolean {
  return config.auth.kind === "secret" && config.auth.demoSecret && !config.production;
}
