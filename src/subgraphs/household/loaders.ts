import DataLoader from "dataloader";
import type { RowAccess } from "../../access/rows/row-access.ts";
import type { Db } from "../../db/client.ts";
import { childLookup, groupBy, type ChildLookup } from "../../graphql/loaders.ts";
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
  /** A child by id inside the viewer's rows, else null: root lookups, nested fields and `_entities`. */
  child: ChildLookup;
  /** The child's person record (the most recent if the registry holds two). */
  personByChild: DataLoader<number, PersonRow | null>;
  guardiansByPerson: DataLoader<string, GuardianshipRow[]>;
  /**
   * A household by number, or null when there is none or its region is outside the viewer's
   * scope: `household(number)` and `_entities` read it alike, so the two cannot disagree.
   */
  household: DataLoader<string, (HouseholdRow & { childIds: number[] }) | null>;
  /**
   * A household's registered persons, eldest first, with the master child each is linked to.
   * A member linked to a child outside the viewer's rows is left out, as if not registered (a
   * child's hukou normally lies in its household's region, but the registry is not always
   * consistent); unlinked records are placed by the household alone.
   */
  members: DataLoader<string, (PersonRow & { childId: number | null })[]>;
}

export function createHouseholdLoaders(db: Db, rows: RowAccess): HouseholdLoaders {
  const members: HouseholdLoaders["members"] = new DataLoader(
    async (numbers) => {
      const found = await membersOfHouseholds(db, numbers, (childId) => rows.memberCondition(childId));
      const byNumber = groupBy(found, (p) => p.householdNumber ?? "");
      return numbers.map((n) => byNumber.get(n) ?? []);
    },
    { maxBatchSize: 1_000 },
  );
  return {
    child: childLookup(rows),
    personByChild: new DataLoader(
      async (ids) => {
        const byChild = groupBy(
          await personsByChild(db, ids, (recordId) => rows.recordCondition("household.person", recordId)),
          (r) => r.childId,
        );
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
        const found = numbers.map((n) => {
          const row = byNumber.get(n);
          return row && rows.placeInScope({ regionCode: row.regionCode }) ? row : null;
        });
        // A household's number, region and address are its children's hukou: a read of them is a
        // read of the children registered there that the viewer may reach (the audit log's ids;
        // the same statement `members` answers from, so asking for both costs nothing more).
        const memberLists = await members.loadMany(found.flatMap((row) => (row ? [row.householdNumber] : [])));
        let k = 0;
        return found.map((row) => {
          if (!row) return null;
          const list = memberLists[k++];
          const childIds = Array.isArray(list) ? list.flatMap((m) => (m.childId === null ? [] : [m.childId])) : [];
          return { ...row, childIds };
        });
      },
      { maxBatchSize: 1_000 },
    ),
    members,
  };
}
