import type * as Policy from "../../src/access/fields/field-rules.ts";
import type { AuthenticatedViewer, Viewer } from "../../src/access/identity/viewer.ts";
import { headersFor } from "./auth.ts";

/**
 * Tests of the graph's plumbing (batching, cross-department answers) read fields no single role
 * may read together. They run with this viewer, and mock the policy module so that this viewer
 * — and only it — is allowed every field:
 *
 *   vi.mock("../../src/access/fields/field-rules.ts", async (original) =>
 *     (await import("./all-access.ts")).allAccessPolicy(await original()));
 *
 * The exception lives in the test kit only: nothing in src/ knows this subject, and a token for
 * it is an ordinary insurance_officer everywhere the mock is not installed.
 */
export const ALL_ACCESS_VIEWER: AuthenticatedViewer = {
  subject: "test-kit-all-access",
  role: "insurance_officer",
  scope: { region: "33" },
};

export function allAccessPolicy(original: typeof Policy): typeof Policy {
  const isAllAccess = (viewer: Viewer) =>
    viewer.subject === ALL_ACCESS_VIEWER.subject && viewer.role === ALL_ACCESS_VIEWER.role;
  return {
    ...original,
    decisionForViewer: (viewer, typeName, fieldName) =>
      isAllAccess(viewer) ? "allow" : original.decisionForViewer(viewer, typeName, fieldName),
  };
}

/** Headers with the all-access viewer's token (see allAccessPolicy). */
export const allAccessHeaders = (): Promise<Record<string, string>> => headersFor(ALL_ACCESS_VIEWER);
