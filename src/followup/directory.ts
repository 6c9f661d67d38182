import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { familyDoctors } from "../db/tables/health.ts";
import type { PhoneDirectory } from "./sms.ts";

/**
 * The mobile numbers SMS reminders go to, from the departments' records: a family doctor's
 * number from health's register of doctors. Other actors (schools, offices) are organisations
 * reached by webhook and have no number here.
 */
export function recordsPhoneDirectory(db: Db): PhoneDirectory {
  return {
    async phoneOf(actor, code) {
      if (actor !== "FAMILY_DOCTOR") return null;
      const [row] = await db
        .select({ phone: familyDoctors.phone })
        .from(familyDoctors)
        .where(eq(familyDoctors.doctorCode, code))
        .limit(1);
      return row?.phone ?? null;
    },
  };
}
