import { DEPARTMENTS, type Department } from "../../db/enums.ts";
import { validateDivisionCode } from "../../domain/division-codes.ts";

/** Every role a token may carry (DESIGN.md, Authorization). */
export const ROLES = [
  "insurance_officer",
  "health_officer",
  "education_officer",
  "school_admin",
  "family_doctor",
  "household_officer",
  "analyst",
  "auditor",
  "department_system",
] as const;
export type Role = (typeof ROLES)[number];

// The departments are the hub's Postgres schemas (src/db/enums.ts); a token speaks for one of them.
export { DEPARTMENTS, type Department } from "../../db/enums.ts";

/** Which rows a viewer may reach; which members a role needs is fixed by `SCOPE_MEMBERS`. */
export interface ViewerScope {
  /** Division-code prefix: "33" (province), "3301" (prefecture) or "330106" (county). */
  region?: string;
  /** 10-digit school codes (学校标识码). */
  schools?: string[];
  /** Family doctor code, "D" + county code + 4 digits. */
  doctor?: string;
  department?: Department;
}

/** Someone who presented a valid token. */
export interface AuthenticatedViewer {
  subject: string;
  role: Role;
  scope: ViewerScope;
  /** The token's `jti`, when it has one. */
  tokenId?: string;
}

/** A request without a token: it sees nothing but the public schema. */
export interface AnonymousViewer {
  subject: "anonymous";
  role: "anonymous";
  scope: Readonly<Record<string, never>>;
  tokenId?: undefined;
}

/** Whoever sent a request: `viewer.role === "anonymous"` tells the two apart. */
export type Viewer = AuthenticatedViewer | AnonymousViewer;

export const ANONYMOUS_VIEWER: AnonymousViewer = Object.freeze({
  subject: "anonymous",
  role: "anonymous",
  scope: Object.freeze({}),
});

export function isAnonymous(viewer: Viewer): viewer is AnonymousViewer {
  return viewer.role === "anonymous";
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

type ScopeMember = keyof ViewerScope;

/** The scope members each role must carry; any other member is refused, so a token cannot look wider than it is. */
export const SCOPE_MEMBERS: Readonly<Record<Role, readonly ScopeMember[]>> = {
  insurance_officer: ["region"],
  health_officer: ["region"],
  education_officer: ["region"],
  school_admin: ["schools"],
  family_doctor: ["doctor"],
  household_officer: ["region"],
  analyst: ["region"],
  auditor: [],
  department_system: ["department", "region"],
};

const ALL_MEMBERS: readonly ScopeMember[] = ["region", "schools", "doctor", "department"];
const SCHOOL_CODE = /^\d{10}$/;
const DOCTOR_CODE = /^D\d{10}$/;
const MAX_SCHOOLS = 200;

export type ScopeResult = { ok: true; scope: ViewerScope } | { ok: false; message: string };

/**
 * Checks a token's `scope` claim against what `role` needs, and returns it normalised
 * (region as its significant prefix). Every problem is named in one message.
 *
 * @example parseScope("school_admin", { schools: ["2330106101"] }) // { ok: true, scope: { schools: ["2330106101"] } }
 * @example parseScope("family_doctor", {})
 * // { ok: false, message: 'role family_doctor needs scope.doctor (…), but it is missing' }
 */
export function parseScope(role: Role, raw: unknown): ScopeResult {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== "object" || Array.isArray(raw))
    return { ok: false, message: `scope must be an object, but got ${describe(raw)}` };
  const input = raw as Record<string, unknown>;
  const needed = SCOPE_MEMBERS[role];
  const problems: string[] = [];
  const scope: ViewerScope = {};

  for (const key of Object.keys(input)) {
    if (!(ALL_MEMBERS as readonly string[]).includes(key))
      problems.push(`scope.${key} is not a scope member (expected ${ALL_MEMBERS.join(", ")})`);
    else if (!needed.includes(key as ScopeMember) && input[key] !== undefined)
      problems.push(`role ${role} must not carry scope.${key}`);
  }
  for (const member of needed) {
    const value = input[member];
    if (value === undefined || value === null) {
      problems.push(`role ${role} needs scope.${member} (${MEMBER_SHAPES[member]}), but it is missing`);
      continue;
    }
    switch (member) {
      case "region": {
        const prefix = parseRegion(value);
        if (typeof prefix === "string") scope.region = prefix;
        else problems.push(prefix.problem);
        break;
      }
      case "schools": {
        if (!Array.isArray(value) || value.length === 0)
          problems.push(`scope.schools must be a non-empty list of 10-digit school codes, but got ${describe(value)}`);
        else if (value.length > MAX_SCHOOLS)
          problems.push(`scope.schools may list at most ${MAX_SCHOOLS} schools, but got ${value.length}`);
        else {
          const bad = value.filter((s) => typeof s !== "string" || !SCHOOL_CODE.test(s));
          if (bad.length > 0)
            problems.push(
              `scope.schools must hold 10-digit school codes, but got ${bad.slice(0, 3).map(describe).join(", ")}`,
            );
          else scope.schools = [...new Set(value as string[])].sort();
        }
        break;
      }
      case "doctor":
        if (typeof value !== "string" || !DOCTOR_CODE.test(value))
          problems.push(`scope.doctor must be a family doctor code like "D3301060001", but got ${describe(value)}`);
        else scope.doctor = value;
        break;
      case "department":
        if (typeof value !== "string" || !(DEPARTMENTS as readonly string[]).includes(value))
          problems.push(`scope.department must be one of ${DEPARTMENTS.join(", ")}, but got ${describe(value)}`);
        else scope.department = value as Department;
        break;
      default: {
        const _: never = member;
        throw new Error(`unhandled scope member ${String(_)}`);
      }
    }
  }
  return problems.length === 0 ? { ok: true, scope } : { ok: false, message: problems.join("; ") };
}

const MEMBER_SHAPES: Readonly<Record<ScopeMember, string>> = {
  region: 'a division-code prefix such as "33", "3301" or "330106"',
  schools: "a non-empty list of 10-digit school codes",
  doctor: 'a family doctor code such as "D3301060001"',
  department: DEPARTMENTS.join(" | "),
};

function parseRegion(value: unknown): string | { problem: string } {
  if (typeof value !== "string" || !/^(\d{2}|\d{4}|\d{6})$/.test(value)) {
    return {
      problem:
        'scope.region must be a division-code prefix of 2, 4 or 6 digits such as "33", "3301" or "330106", ' +
        `but got ${describe(value)}`,
    };
  }
  const six = value.padEnd(6, "0");
  const checked = validateDivisionCode(six);
  if (!checked.ok)
    return { problem: `scope.region ${JSON.stringify(value)} is not a known region: ${checked.message}` };
  // A 6-digit prefecture code ("330100") means the prefecture, as the region arguments do.
  if (six.endsWith("0000")) return six.slice(0, 2);
  if (six.endsWith("00")) return six.slice(0, 4);
  return six;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** The department a role works for: how the guardian-facing audit answer names an actor. */
export function departmentOf(viewer: { role: Role | "anonymous"; scope: ViewerScope }): Department | "hub" | null {
  switch (viewer.role) {
    case "insurance_officer":
      return "insurance";
    case "health_officer":
    case "family_doctor":
      return "health";
    case "education_officer":
    case "school_admin":
      return "education";
    case "household_officer":
      return "household";
    case "analyst":
    case "auditor":
      return "hub";
    case "department_system":
      return viewer.scope.department ?? null;
    case "anonymous":
      return null;
    default: {
      const _: never = viewer.role;
      return _;
    }
  }
}
