import type { Scenario } from "../kit/context.ts";
import { patientLookup } from "./patient-lookup.ts";

/** The suite's scenarios, in the order `all` runs them. */
export const SCENARIOS: readonly Scenario[] = [patientLookup];
