import type { AuthConfig } from "../../src/config/index.ts";
import { loadHardening, type HardeningConfig } from "../../src/config/index.ts";

/**
 * The servers a benchmark times: the default operation limits, signatures and masking, but no
 * per-subject budgets (a handful of bench tokens asking as fast as they can would time the rate
 * limiter, not the API) and no log line per operation on the bench's output.
 */
export function benchHardening(auth: AuthConfig): HardeningConfig {
  return loadHardening(
    { HUB_RATE_OPERATIONS_PER_MINUTE: "0", HUB_RATE_CHILD_RECORDS_PER_MINUTE: "0", HUB_LOG: "off" },
    auth,
  );
}
