import { submitRecordsResolvers } from "../../graphql/submit-records.ts";

/** `submitHouseholdRecords`: the household department's own system sends batches of its records (src/ingest). */
export const householdSubmitResolvers = submitRecordsResolvers("household");
