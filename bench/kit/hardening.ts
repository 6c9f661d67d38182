import type { AuthConfig } from "../../src/config/index.ts";
import { loadHardening, type HardeningConfig } from "../../src/config/index.ts";

/**
 * The servers a benchmark times: the default operation limits, signatures and masking, but no
 * per-subject budgets (a handful of bench tokens asking as fast as they can would time the rate
 * limiter, not the API), no log line per operation on the bench's output, and a body limit that
 * takes a department system's 5,000-row enrollment batch (about 2.9 MB and 205,000 values; the
 * defaults take ~1,700 such rows):
 * what an operator whose departments send such batches sets (README, Configuration).
 */
export function benchHardening(auth: AuthConfig): HardeningConfig {
  return loadHardening(
    {
      HUB_RATE_OPERATIONS_PER_MINUTE: "0",
      HUB_RATE_CHILD_RECORDS_PER_MINUTE: "0",
      HUB_LOG: "off",
      HUB_MAX_BODY_BYTES: String(8 * 1024 * 1024),
      // 5,000 enrollment rows of 13 columns hold ~205,000 values (the default allows 100,000).
      HUB_MAX_VARIABLE_NODES: "400000",
    },
    auth,
  );
}
