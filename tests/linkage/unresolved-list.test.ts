import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSnapshot } from "../../src/coverage/store.ts";
import { queryRows } from "../../src/db/client.ts";
import { makeIdNumber } from "../../src/domain/id-number.ts";
import { createGatewayServer, type GatewayServer } from "../../src/gateway/gateway-server.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { ingestBatch } from "../../src/ingest/batch.ts";
import { birthCertificateKind, immunizationRecordKind, vaccinationSiteKind } from "../../src/ingest/kinds/health.ts";
import { linkAll } from "../../src/linkage/link.ts";
import { headersFor, testAuth } from "../kit/auth.ts";
import { ENGINES, openTestDatabase, type TestDatabase } from "../kit/database.ts";

const AS_OF = "2026-06-30";
const MOTHER = makeIdNumber({ regionCode: "330106", birthDate: "1995-06-01", sequence: 22 });

const officer = (region: string) =>
  headersFor({ subject: `officer-${region}`, role: "insurance_officer", scope: { region } });

const LIST = `query($region: String) { unresolvedChildren(region: $region, first: 10) {
  edges { node { id reason status child { id } candidate { id } recordId
    record { source maskedBirthCertificateNumber } fields { field level } } } } }`;
const DECIDE = `mutation($id: ID!, $decision: UnresolvedDecision!) {
  resolveUnresolvedChild(id: $id, decision: $decision) { eventId child { id } } }`;

interface ListData {
  unresolvedChildren: {
    edges: {
      node: {
        id: string;
        reason: string;
        status: string;
        child: { id: string } | null;
        candidate: { id: string } | null;
        recordId: string;
        fields: { field: string; level: string }[];
      };
    }[];
  } | null;
}

describe.each(ENGINES)("unresolved children on %s", (engine) => {
  let database: TestDatabase;
  let gateway: GatewayServer;
  const marks = async () =>
    queryRows<{ record_id: string; unresolved: boolean; status: string | null }>(
      database.db,
      sql`select l.record_id, c.unresolved,
            (select u.status from hub.unresolved_children u
              where u.child_id = c.id order by u.id desc limit 1) as status
          from hub.links l join hub.children c on c.id = l.child_id
          where l.unlinked_at is null order by l.record_id`,
    );
  /** The records of the children the snapshot of AS_OF counts. */
  const counted = async () =>
    (
      await queryRows<{ record_id: string }>(
        database.db,
        sql`select l.record_id from hub.coverage_status s
              join hub.links l on l.child_id = s.child_id and l.unlinked_at is null
            where s.as_of = ${AS_OF} order by l.record_id`,
      )
    ).map((r) => r.record_id);

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    await ingestBatch(database.db, vaccinationSiteKind, [
      { record_id: "VS-1", site_code: "V330106001", name: "西湖区第一预防接种门诊", region_code: "330106" },
    ]);
    // A nameless certificate, and a clinic's file of a newborn under 婴儿 with another phone: they
    // agree on birth date, sex and county only.
    await ingestBatch(database.db, birthCertificateKind, [
      {
        record_id: "BC-1",
        certificate_number: "Y100000001",
        sex: "F",
        birth_date: "2026-05-01",
        mother_name: "李娜",
        mother_id_number: MOTHER,
        guardian_phone: "13800001111",
        hospital_code: "H33010601",
        region_code: "330106",
        issued_on: "2026-05-02",
      },
    ]);
    await ingestBatch(database.db, immunizationRecordKind, [
      {
        record_id: "IM-1",
        site_code: "V330106001",
        child_name: "婴儿",
        sex: "F",
        birth_date: "2026-05-01",
        guardian_phone: "13922223333",
        residence_region_code: "330106",
      },
    ]);
    await buildSnapshot(database.db, AS_OF);
    gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: database.db }, testAuth);
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await database?.close();
  });

  const run = async <T>(query: string, variables: Record<string, unknown>, region = "33") => {
    const result = await gateway.execute(query, variables, await officer(region));
    return result as { data?: T; errors?: readonly { message: string; extensions?: { code?: string } }[] };
  };

  it("marks the clinic's file a child no one may count yet (children.unresolved), not a new uninsured", async () => {
    expect(await marks()).toEqual([
      { record_id: "BC-1", unresolved: false, status: null },
      { record_id: "IM-1", unresolved: true, status: "OPEN" },
    ]);
    // In no gap list and no statistic: the snapshot counts the certificate's child alone.
    expect(await counted()).toEqual(["BC-1"]);
  });

  it("lists it for the officers of its region, with the child it may be and the evidence, masked", async () => {
    const { data, errors } = await run<ListData>(LIST, {});
    expect(errors).toBeUndefined();
    const [edge, ...more] = data!.unresolvedChildren!.edges;
    expect(more).toEqual([]);
    expect(edge!.node).toMatchObject({ reason: "POSSIBLE_MATCH", status: "OPEN", recordId: "IM-1" });
    expect(edge!.node.candidate).not.toBeNull();
    expect(edge!.node.fields).toContainEqual({ field: "birthDate", level: "EXACT" });
    // Another region's officer finds nothing, as for a list that is empty.
    const elsewhere = await run<ListData>(LIST, {}, "3302");
    expect(elsewhere.data!.unresolvedChildren!.edges).toEqual([]);
  });

  it("is no one's to decide outside its region, and a person's decision stands through a new link", async () => {
    const { data } = await run<ListData>(LIST, {});
    const id = data!.unresolvedChildren!.edges[0]!.node.id;
    const refused = await run(DECIDE, { id, decision: "NEW_CHILD" }, "3302");
    expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const decided = await run<{ resolveUnresolvedChild: { eventId: string } }>(DECIDE, { id, decision: "NEW_CHILD" });
    expect(decided.errors).toBeUndefined();
    expect(await marks()).toEqual([
      { record_id: "BC-1", unresolved: false, status: null },
      { record_id: "IM-1", unresolved: false, status: "NEW_CHILD" },
    ]);
    // A child of its own now: assessed in the snapshot as the decision is made.
    expect(await counted()).toEqual(["BC-1", "IM-1"]);
    await linkAll(database.db);
    expect((await marks()).find((m) => m.record_id === "IM-1")).toMatchObject({ unresolved: false });
  });
});
