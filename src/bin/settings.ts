import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/index.ts";
import { defaultAsOf } from "../coverage/as-of.ts";
import { loadCoveragePolicy } from "../coverage/load-policy.ts";
import { parseSettingsFile } from "../coverage/settings-file.ts";
import { setPolicySettings } from "../coverage/settings-store.ts";
import { openMigratedDatabase } from "../db/open.ts";
import { isValidIsoDate, yearOf } from "../domain/dates.ts";
import { NEEDY_CATEGORIES } from "../domain/insurance-policy.ts";

const USAGE =
  "usage: npm run settings -- --file settings.json [--actor NAME]   set the file's settings (all or none)\n" +
  "       npm run settings -- --show [--on YYYY-MM-DD] [--region AREA]   print the settings in force";

/**
 * The province's policy settings from a file (README, "Policy settings"): each setting is
 * validated, written, logged in audit.policy_setting_changes (source "file", actor --actor or
 * the operating-system user) and the children it affects re-assessed in every retained
 * snapshot; one transaction, so a bad entry sets nothing. Setting a value that is already so
 * changes nothing: loading the same file twice is harmless.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      file: { type: "string" },
      actor: { type: "string" },
      show: { type: "boolean", default: false },
      on: { type: "string" },
      region: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || (!values.file && !values.show)) return void console.log(USAGE);
  if (values.on !== undefined && !isValidIsoDate(values.on))
    throw new Error(`--on must be a date like 2026-06-30, but got "${values.on}"\n${USAGE}`);
  const database = await openMigratedDatabase(loadConfig());
  try {
    if (values.file) {
      const inputs = parseSettingsFile(readFileSync(values.file, "utf8"), path.basename(values.file));
      const actor = values.actor ?? `file:${process.env.USER ?? "unknown"}`;
      const changes = await setPolicySettings(database.db, inputs, { actor, role: "settings_file", source: "file" });
      for (const c of changes) {
        const where = `${c.row.key} ${c.row.regionCode} from ${c.row.effectiveFrom}`;
        console.log(
          c.changed
            ? `set ${where}: ${JSON.stringify(c.oldValue)} -> ${JSON.stringify(c.row.value)} ` +
                `(${c.reassessed.toLocaleString("en-US")} snapshot rows re-assessed)`
            : `unchanged ${where}: ${JSON.stringify(c.row.value)}`,
        );
      }
    }
    if (values.show) {
      const policy = await loadCoveragePolicy(database.db);
      const on = values.on ?? defaultAsOf();
      const area = values.region ?? policy.provinceCode;
      const s = policy.settings;
      console.log(`settings in force on ${on} for ${area}:`);
      console.log(`  NEWBORN_WINDOW_DAYS  ${s.newbornWindowDays(on, area)} (for a child born that day)`);
      console.log(`  COLLECTION_PERIOD    ${JSON.stringify(s.collectionPeriod(yearOf(on), area))}`);
      console.log(`  WAITING_PERIOD       ${JSON.stringify(s.waitingPeriod(on, area))}`);
      for (const c of NEEDY_CATEGORIES)
        console.log(`  NEEDY_SUBSIDY_${c.padEnd(15)}${JSON.stringify(s.needySubsidy(c, on, area))}`);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
