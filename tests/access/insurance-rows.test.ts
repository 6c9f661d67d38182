import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { SUBGRAPH_NAMES } from "../../src/graphql/subgraph.ts";
import { headersFor } from "../kit/auth.ts";
import { builders, type BuiltChild } from "../kit/builders.ts";
import { ENGINES } from "../kit/database.ts";
import { startTestHub, type TestHub } from "../kit/gateway.ts";
import { executeSubgraph } from "../kit/subgraph.ts";

/**
 * #18.19: an insurance officer's rows are DESIGN.md's "children resident or registered in their
 * region". Registered: hukou, residence permit, an insurance enrollment's area. Resident: the
 * one residence rule (the current school's county, else the vaccination site whose file is in
 * use, else the hukou) as of the coverage snapshot — not any vaccination file a child ever had,
 * nor the place it was born. The cases are written here as DESIGN.md words them.
 */

const AS_OF = "2026-06-30";
const HERE = "330106";
const THERE = "330203";

describe.each(ENGINES)("#18.19 an insurance officer's rows follow residence and registration, on %s", (engine) => {
  let hub: TestHub;
  const sees: Record<string, BuiltChild> = {};
  const doesNotSee: Record<string, BuiltChild> = {};
  const officer: AuthenticatedViewer = { subject: "t19-officer", role: "insurance_officer", scope: { region: "3301" } };

  beforeAll(async () => {
    hub = await startTestHub(engine, null);
    const build = builders(hub.database.db);
    const schoolHere = await build.school({ region: HERE });
    const schoolThere = await build.school({ region: THERE });
    const siteHere = await build.vaccinationSite({ region: HERE });
    const siteThere = await build.vaccinationSite({ region: THERE });
    const areaHere = await build.coordinationArea({ code: "330100" });
    const old = (site: typeof siteHere, year: number) => ({
      site,
      doses: [{ vaccineCode: "MMR", doseNumber: 1, givenOn: `${year}-03-01` }],
    });
    // Registered here.
    sees.local = await build.child({ hukou: HERE, registrations: [schoolThere] });
    sees.permitHolder = await build.child({ residencePermit: { residence: HERE }, registrations: [schoolThere] });
    sees.enrolledHere = await build.child({ hukou: THERE, registrations: [schoolThere], enrollments: [areaHere] });
    // Resident here: at school here this school year, or vaccinated here now (no school).
    sees.pupilHere = await build.child({ hukou: THERE, registrations: [schoolHere] });
    sees.movedHere = await build.child({
      hukou: THERE,
      birthDate: "2021-01-10",
      immunizations: [old(siteThere, 2022), old(siteHere, 2025)],
    });
    // Tied here only by an old vaccination file or the place of birth: they live and are registered there.
    doesNotSee.oldVaccination = await build.child({
      hukou: THERE,
      registrations: [schoolThere],
      immunizations: [old(siteHere, 2016)],
    });
    doesNotSee.bornHere = await build.child({
      hukou: THERE,
      birthDate: "2016-02-02",
      birthCertificate: { region: HERE },
      registrations: [schoolThere],
    });
    doesNotSee.movedAway = await build.child({
      hukou: THERE,
      birthDate: "2021-01-10",
      immunizations: [old(siteHere, 2022), old(siteThere, 2025)],
    });
    await build.link({ coverageAsOf: AS_OF });
  }, 180_000);
  afterAll(async () => hub?.close());

  const all = () => [...Object.values(sees), ...Object.values(doesNotSee)];

  it("#18.19 child(id) through the gateway answers exactly the resident and registered children", async () => {
    const children = all();
    const query = `{ ${children.map((c, i) => `c${i}: child(id: "${c.id}") { id }`).join(" ")} }`;
    const result = await hub.gateway.execute(query, {}, await headersFor(officer));
    expect(result.errors).toBeUndefined();
    const answered = children.filter((_, i) => result.data![`c${i}`] !== null).map((c) => c.key);
    expect(answered.sort()).toEqual(
      Object.values(sees)
        .map((c) => c.key)
        .sort(),
    );
  });

  it("#18.19 every subgraph's _entities answers the same rows", async () => {
    const children = all();
    for (const name of SUBGRAPH_NAMES) {
      const result = await executeSubgraph(
        SUBGRAPHS[name],
        hub.database.db,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Child { id } } }`,
        { r: children.map((c) => c.ref) },
        await headersFor(officer),
      );
      expect(result.errors, name).toBeUndefined();
      const entities = result.data!._entities as (object | null)[];
      const answered = children.filter((_, i) => entities[i] !== null).map((c) => c.key);
      expect(answered.sort(), name).toEqual(
        Object.values(sees)
          .map((c) => c.key)
          .sort(),
      );
    }
  });

  it("#18.19 childrenInRegion lists them alike", async () => {
    const result = await hub.gateway.execute(
      `{ childrenInRegion(region: "33", first: 100) { edges { node { id } } } }`,
      {},
      await headersFor(officer),
    );
    expect(result.errors).toBeUndefined();
    const ids = (result.data!.childrenInRegion as { edges: { node: { id: string } }[] }).edges.map((e) =>
      Number(e.node.id),
    );
    expect(ids).toEqual(
      Object.values(sees)
        .map((c) => c.id)
        .sort((a, b) => a - b),
    );
  });
});
