import { submitRecordsResolvers } from "../../graphql/submit-records.ts";

/** `submitEducationRecords`: the education department's own system sends batches of its records (src/ingest). */
export const educationSubmitResolvers = submitRecordsResolvers("education");
