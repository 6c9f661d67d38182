import DataLoader from "dataloader";
import type { Db } from "../../db/client.ts";
import { groupBy } from "../../graphql/loaders.ts";
import {
  guardiansOfPersons,
  householdsByNumber,
  membersOfHouseholds,
  personsByChild,
  type GuardianshipRow,
  type HouseholdRow,
  type PersonRow,
} from "./queries.ts";

export interface HouseholdLoaders {
  /** The child's person record (the most recent if the registry holds two). */
  personByChild: DataLoader<number, PersonRow | null>;
  guardiansByPerson: DataLoader<string, GuardianshipRow[]>;
  household: DataLoader<string, HouseholdRow | null>;
  /** A household's registered persons, eldest first, with the master child each is linked to. */
  members: DataLoader<string, (PersonRow & { childId: number | null })[]>;
}

export function createHouseholdLoaders(db: Db): HouseholdLoaders {
  return {
    personByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(await personsByChild(db, ids), (r) => r.childId);
        return ids.map((id) => byChild.get(id)?.at(-1) ?? null);
      },
      { maxBatchSize: 1_000 },
    ),
    guardiansByPerson: new DataLoader(
      async (recordIds) => {
        const byPerson = groupBy(await guardiansOfPersons(db, recordIds), (g) => g.childRecordId);
        return recordIds.map((id) => byPerson.get(id) ?? []);
      },
      { maxBatchSize: 1_000 },
    ),
    household: new DataLoader(
      async (numbers) => {
        const byNumber = new Map((await householdsByNumber(db, numbers)).map((h) => [h.householdNumber, h]));
        return numbers.map((n) => byNumber.get(n) ?? null);
      },
      { maxBatchSize: 1_000 },
    ),
    members: new DataLoader(
      async (numbers) => {
        const byNumber = groupBy(await membersOfHouseholds(db, numbers), (p) => p.householdNumber ?? "");
        return numbers.map((n) => byNumber.get(n) ?? []);
      },
      { maxBatchSize: 1_000 },
    ),
  };
}
