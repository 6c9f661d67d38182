import { submitRecordsResolvers } from "../../graphql/submit-records.ts";

/** `submitInsuranceRecords`: the insurance department's own system sends batches of its records (src/ingest). */
export const insuranceSubmitResolvers = submitRecordsResolvers("insurance");
