import { loadConfig, type AuthConfig } from "../../src/config/index.ts";
import { signToken, type SignOptions } from "../../src/access/identity/tokens.ts";
import {
  DEPARTMENTS,
  ROLES,
  type AuthenticatedViewer,
  type Department,
  type Role,
} from "../../src/access/identity/viewer.ts";

/** The tests' token configuration: the development default (demo secret, default issuer and audience). */
export const testAuth: AuthConfig = loadConfig({}, process.cwd(), () => {}).auth;

/** A signed token for a viewer, as the `Authorization` header value. */
export async function bearerFor(viewer: AuthenticatedViewer, options: SignOptions = {}): Promise<string> {
  return `Bearer ${await signToken(viewer, testAuth, options)}`;
}

/** Headers carrying a viewer's token, for `gateway.execute` and `executeSubgraph`. */
export async function headersFor(
  viewer: AuthenticatedViewer,
  options: SignOptions = {},
): Promise<Record<string, string>> {
  return { authorization: await bearerFor(viewer, options) };
}

/**
 * A department's own system (role department_system, province-wide): the policy table lets it
 * read every field of its own department's subgraph, so subgraph tests that read their
 * department's data use it.
 */
export function departmentSystemViewer(department: Department, region = "33"): AuthenticatedViewer {
  return { subject: `test-${department}-system`, role: "department_system", scope: { department, region } };
}

const systemHeaders = new Map<Department, Promise<Record<string, string>>>();
/** `headersFor(departmentSystemViewer(department))`, signed once per test file. */
export function departmentSystemHeaders(department: Department): Promise<Record<string, string>> {
  let headers = systemHeaders.get(department);
  if (!headers) {
    headers = headersFor(departmentSystemViewer(department));
    systemHeaders.set(department, headers);
  }
  return headers;
}

/**
 * One viewer per role from the demo identities, and the department_system role once per
 * department (its field rules differ by department): what the generated policy walks test.
 */
export function everyDemoViewer(demo: Readonly<Record<Role, AuthenticatedViewer>>): AuthenticatedViewer[] {
  return ROLES.flatMap((role) =>
    role === "department_system"
      ? DEPARTMENTS.map((department) => ({
          ...demo[role],
          subject: `demo-${department}-system`,
          scope: { ...demo[role].scope, department },
        }))
      : [demo[role]],
  );
}
