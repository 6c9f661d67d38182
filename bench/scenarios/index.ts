import type { Scenario } from "../kit/context.ts";
import { patientLookup } from "./patient-lookup.ts";
import { schoolRoster } from "./school-roster.ts";
import { gatewayOverhead } from "./gateway-overhead.ts";
import { concurrentLoad } from "./concurrent-load.ts";
import { coverageSummary } from "./coverage-summary.ts";
import { linkageAndImport } from "./linkage-import.ts";
import { provinceDay } from "./province-day.ts";

/** The suite's scenarios, in the order `all` runs them. */
export const SCENARIOS: readonly Scenario[] = [
  patientLookup,
  schoolRoster,
  gatewayOverhead,
  concurrentLoad,
  coverageSummary,
  linkageAndImport,
  provinceDay,
];
