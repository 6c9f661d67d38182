import { badInput } from "../../graphql/errors.ts";

/** Resident insurance is bought per calendar year; anything outside this range is a typing error. */
const FIRST_COVERAGE_YEAR = 2000;
const LAST_COVERAGE_YEAR = 2099;

/** Validates a coverage year argument; the error names the argument. */
export function checkCoverageYear(value: number, argument = "coverageYear"): number {
  if (!Number.isInteger(value) || value < FIRST_COVERAGE_YEAR || value > LAST_COVERAGE_YEAR) {
    throw badInput(
      argument,
      `must be a calendar year from ${FIRST_COVERAGE_YEAR} to ${LAST_COVERAGE_YEAR}, but got ${value}`,
    );
  }
  return value;
}
