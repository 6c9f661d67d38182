import { sql } from "drizzle-orm";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import type { HardeningConfig } from "../../src/config/index.ts";
import { queryRows, type Db } from "../../src/db/client.ts";
import { yearOf } from "../../src/domain/dates.ts";
import type { RunningHttpServer } from "../../src/server/http.ts";
import { createGatewayServer } from "../../src/gateway/gateway-server.ts";
import { createSubgraphServer } from "../../src/server/subgraph-server.ts";
import { SUBGRAPHS } from "../../src/gateway/subgraphs.ts";
import { readSupergraph } from "../../src/gateway/supergraph.ts";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../src/graphql/subgraph.ts";
import { assertSameAnswer } from "../kit/compare.ts";
import { bearer, dataOf, type BenchContext, type Scenario } from "../kit/context.ts";
import { postGraphql, postSignedGraphql } from "../kit/http.ts";
import { say } from "../kit/log.ts";
import { startRssSampler } from "../kit/memory.ts";
import { ratio, type LatencyStats } from "../kit/stats.ts";
import { timeInterleaved } from "../kit/timing.ts";
import { PATIENT_LOOKUP } from "./patient-lookup.ts";
import { benchHardening } from "../kit/hardening.ts";

/** A question one subgraph answers alone (education): what the gateway adds is planning and one hop. */
const ONE_SUBGRAPH = `query SchoolPage($code: String!) {
  school(code: $code) { code name students(first: 500) { edges { node { studentNumber name sex grade className } } } }
}`;

export const gatewayOverhead: Scenario = {
  name: "overhead",
  title: "3. gateway overhead",
  async run(context: BenchContext) {
    const { asOf } = context.options;
    const db = context.database.db;
    const { school, patient } = await schoolAndPatient(db);
    const admin = await bearer(context, {
      subject: "bench-school-admin",
      role: "school_admin",
      scope: { schools: [school.code] },
    } satisfies AuthenticatedViewer);
    const doctor = await bearer(context, {
      subject: "bench-family-doctor",
      role: "family_doctor",
      scope: { doctor: patient.doctor },
    } satisfies AuthenticatedViewer);

    const hardening = benchHardening(context.config.auth);
    const { urls, remote, running, stop } = await startHttpSubgraphs(context, hardening);
    const localHttp = await context.gateway.listen(0);
    const remoteHttp = await remote.listen(0);
    running.push(localHttp, remoteHttp);
    try {
      const page = { code: school.code };
      const lookup = { idNumber: patient.id, asOf, year: yearOf(asOf) };
      const variants = {
        subgraph: async () =>
          dataOf(
            "education subgraph",
            await postSignedGraphql(urls.education, hardening.gatewaySecret, ONE_SUBGRAPH, page, admin),
          ),
        gatewayExecute: async () =>
          dataOf("gateway in process", await context.gateway.execute(ONE_SUBGRAPH, page, admin)),
        gatewayHttp: async () =>
          dataOf("gateway over HTTP", await postGraphql(localHttp.url, ONE_SUBGRAPH, page, admin)),
        gatewayRemote: async () =>
          dataOf("gateway over HTTP subgraphs", await postGraphql(remoteHttp.url, ONE_SUBGRAPH, page, admin)),
        lookupLocal: async () =>
          dataOf("lookup, in-process subgraphs", await context.gateway.execute(PATIENT_LOOKUP, lookup, doctor)),
        lookupRemote: async () =>
          dataOf("lookup, HTTP subgraphs", await remote.execute(PATIENT_LOOKUP, lookup, doctor)),
      };
      const reference = await variants.subgraph();
      if (!(reference.school as { students: { edges: unknown[] } | null }).students?.edges.length)
        throw new Error(`school ${school.code} answered no students`);
      for (const name of ["gatewayExecute", "gatewayHttp", "gatewayRemote"] as const)
        assertSameAnswer(`overhead: ${name} vs the subgraph`, await variants[name](), reference);
      const lookupAnswer = await variants.lookupLocal();
      if (!lookupAnswer.childByIdNumber) throw new Error(`patient ${patient.id} not found by their doctor`);
      assertSameAnswer(
        "overhead: lookup over HTTP subgraphs vs in process",
        await variants.lookupRemote(),
        lookupAnswer,
      );
      say("overhead: every path answers the same");

      const memory = startRssSampler();
      const stats = await timeInterleaved(variants, { runs: context.options.runs * 2, warmup: context.options.warmup });
      recordOverhead(context, stats, memory.stop(), school.code);
    } finally {
      await stop();
    }
  },
};

/** The school with the most enrolled students, and the first patient with an ID number and an active contract. */
async function schoolAndPatient(db: Db) {
  const [school] = await queryRows<{ code: string }>(
    db,
    sql`select school_code as code from education.student_registrations where status = 'ENROLLED'
        group by 1 order by count(*) desc, 1 limit 1`,
  );
  const [patient] = await queryRows<{ id: string; doctor: string }>(
    db,
    sql`select patient_id_number as id, doctor_code as doctor from health.doctor_contracts
        where status = 'ACTIVE' and patient_id_number is not null order by record_id limit 1`,
  );
  if (!school || !patient) throw new Error("the province has no school with students or no patient with an ID number");
  return { school, patient };
}

/**
 * Every subgraph as its own HTTP service on loopback, and a second gateway over them. `stop`
 * closes every server in `running` (the caller adds its own), then the gateway and subgraphs.
 */
async function startHttpSubgraphs(context: BenchContext, hardening: HardeningConfig) {
  const db = context.database.db;
  const running: RunningHttpServer[] = [];
  const subgraphStops: (() => Promise<void>)[] = [];
  const urls = {} as Record<SubgraphName, string>;
  for (const name of SUBGRAPH_NAMES) {
    const server = await createSubgraphServer(SUBGRAPHS[name], db, context.config.auth, { hardening });
    const http = await server.listen(0);
    running.push(http);
    subgraphStops.push(() => server.stop());
    urls[name] = http.url;
  }
  const remote = await createGatewayServer(readSupergraph(), { kind: "remote", urls }, context.config.auth, {
    hardening,
  });
  const stop = async () => {
    for (const http of running) await http.close();
    await remote.stop();
    for (const stopSubgraph of subgraphStops) await stopSubgraph();
  };
  return { urls, remote, running, stop };
}

/** The table's rows for 3a (one subgraph) and 3b (the lookup), each against its baseline. */
function recordOverhead(
  context: BenchContext,
  stats: Record<
    "subgraph" | "gatewayExecute" | "gatewayHttp" | "gatewayRemote" | "lookupLocal" | "lookupRemote",
    LatencyStats
  >,
  peak: number,
  schoolCode: string,
) {
  const add = (scenario: string, variant: string, s: LatencyStats, base: LatencyStats, against: string) =>
    context.record({
      scenario,
      variant,
      runs: s.runs,
      median: s.median,
      p95: s.p95,
      throughput: `${s.throughput.toFixed(0)} /s`,
      peakRss: peak,
      ratio: s === base ? 1 : ratio(s.median, base.median),
      against: s === base ? "baseline" : against,
      check: s === base ? "baseline" : "✓ same answer",
    });
  const one = "3a one-subgraph query (500 students, education only)";
  add(one, "education subgraph straight, over loopback HTTP", stats.subgraph, stats.subgraph, "");
  add(
    one,
    "gateway in process (no socket), in-process subgraphs",
    stats.gatewayExecute,
    stats.subgraph,
    "subgraph straight",
  );
  add(one, "gateway over HTTP, in-process subgraphs", stats.gatewayHttp, stats.subgraph, "subgraph straight");
  add(one, "gateway over HTTP, subgraphs over loopback HTTP", stats.gatewayRemote, stats.subgraph, "subgraph straight");
  const cross = "3b patient lookup (4 subgraphs)";
  add(cross, "gateway in process, in-process subgraphs", stats.lookupLocal, stats.lookupLocal, "");
  add(
    cross,
    "gateway in process, subgraphs over loopback HTTP",
    stats.lookupRemote,
    stats.lookupLocal,
    "in-process subgraphs",
  );
  context.note(
    `3: 3a asks the education subgraph alone for school ${schoolCode}'s first 500 students (a school administrator); ` +
      "every path verifies the token and writes an audit row — through the gateway with in-process subgraphs one " +
      "row per request, with HTTP subgraphs one per subgraph request. " +
      "3b is scenario 1's lookup with the gateway's subgraph calls in process or over loopback HTTP (each subgraph " +
      "then parses, verifies the token and logs on its own).",
  );
}
