import { submitRecordsResolvers } from "../../graphql/submit-records.ts";

/** `submitHealthRecords`: the health department's own system sends batches of its records (src/ingest). */
export const healthSubmitResolvers = submitRecordsResolvers("health");
