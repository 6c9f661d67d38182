import { badInput, parseChildId } from "../../graphql/errors.ts";

/** "V", a 6-digit county code and a 3-digit serial: V330106001. */
const SITE_CODE = /^V\d{9}$/;
/** "D", a 6-digit county code and a 4-digit serial: D3301060001. */
const DOCTOR_CODE = /^D\d{10}$/;

/**
 * A vaccination site code argument, normalised (trimmed, upper case); malformed codes are refused,
 * unknown ones are not.
 */
export function parseSiteCode(value: string, argument: string): string {
  const code = value.trim().toUpperCase();
  if (!SITE_CODE.test(code))
    throw badInput(
      argument,
      `a vaccination site code must be "V", a 6-digit county code and a 3-digit serial (e.g. "V330106001"), ` +
        `but got "${value}"`,
    );
  return code;
}

/**
 * A family doctor code argument, normalised (trimmed, upper case); malformed codes are refused,
 * unknown ones are not.
 */
export function parseDoctorCode(value: string, argument: string): string {
  const code = value.trim().toUpperCase();
  if (!DOCTOR_CODE.test(code))
    throw badInput(
      argument,
      `a family doctor code must be "D", a 6-digit county code and a 4-digit serial (e.g. "D3301060001"), ` +
        `but got "${value}"`,
    );
  return code;
}

/** A decoded cursor of a connection keyed by a site or doctor code. */
export function parseCodeCursor(
  value: string,
  parse: (value: string, argument: string) => string,
  argument = "after",
): string {
  try {
    return parse(value, argument);
  } catch {
    throw badInput(argument, `must be a cursor returned by this connection, but got a cursor for "${value}"`);
  }
}

/** A decoded cursor of a connection keyed by a surrogate id (a contract's, a child's). */
export function parseIdCursor(value: string, argument = "after"): number {
  try {
    return parseChildId(value, argument);
  } catch {
    throw badInput(argument, `must be a cursor returned by this connection, but got a cursor for "${value}"`);
  }
}
