/**
 * A profiling harness, not a benchmark: runs the roster page or the patient lookup N times
 * through the in-process gateway on a province an earlier `npm run bench -- … --keep` left on
 * DATABASE_URL's server (database hub_bench_province), and prints the median and fastest request and
 * this process's CPU time per request. Noisy on a shared machine:
 * compare runs made back to back, or use `npm run bench` (interleaved, ratios).
 *
 *   DATABASE_URL=postgres://… node --cpu-prof --import tsx bench/profile.ts roster 30
 */
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/config/index.ts";
import { queryRows } from "../src/db/client.ts";
import { openMigratedDatabase } from "../src/db/open.ts";
import { readSupergraph } from "../src/gateway/supergraph.ts";
import { createGatewayServer } from "../src/gateway/gateway-server.ts";
import { signToken } from "../src/access/identity/tokens.ts";
import { SCHOOL_ROSTER } from "./scenarios/school-roster.ts";
import { PATIENT_LOOKUP } from "./scenarios/patient-lookup.ts";

const [what = "roster", n = "20", first = "500"] = process.argv.slice(2);
const admin = new URL(process.env.DATABASE_URL!);
admin.pathname = "/hub_bench_province";
const config = loadConfig({
  ...process.env,
  DATABASE_URL: admin.toString(),
  HUB_JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
});
const database = await openMigratedDatabase(config);
const gateway = await createGatewayServer(readSupergraph(), { kind: "in-process", db: database.db }, config.auth);
const asOf = (
  await queryRows<{ value: string }>(database.db, sql`select value from truth.meta where key = 'as_of'`)
)[0]!.value;

let run: () => Promise<unknown>;
if (what === "roster") {
  const [school] = await queryRows<{ code: string }>(
    database.db,
    sql`select school_code as code from education.student_registrations where status = 'ENROLLED'
        group by 1 order by count(*) desc limit 1`,
  );
  const token = await signToken(
    { subject: "p", role: "school_admin", scope: { schools: [school!.code] } },
    config.auth,
    { expiresIn: "2 hours" },
  );
  run = async () => {
    const r = await gateway.execute(
      SCHOOL_ROSTER,
      { code: school!.code, first: Number(first), after: null, asOf },
      { authorization: `Bearer ${token}` },
    );
    if (r.errors) throw new Error(JSON.stringify(r.errors.slice(0, 2)));
  };
} else {
  const [doctor] = await queryRows<{ doctor_code: string }>(
    database.db,
    sql`select doctor_code from health.doctor_contracts where status = 'ACTIVE'
        group by 1 order by count(*) desc, 1 limit 1`,
  );
  const patients = (
    await queryRows<{ id: string }>(
      database.db,
      sql`select distinct patient_id_number as id from health.doctor_contracts
          where doctor_code = ${doctor!.doctor_code} and status = 'ACTIVE' and patient_id_number is not null
          order by 1 limit 25`,
    )
  ).map((r) => r.id);
  const token = await signToken(
    { subject: "p", role: "family_doctor", scope: { doctor: doctor!.doctor_code } },
    config.auth,
    { expiresIn: "2 hours" },
  );
  let i = 0;
  run = async () => {
    const r = await gateway.execute(
      PATIENT_LOOKUP,
      { idNumber: patients[i++ % patients.length], asOf, year: Number(asOf.slice(0, 4)) },
      { authorization: `Bearer ${token}` },
    );
    if (r.errors) throw new Error(JSON.stringify(r.errors.slice(0, 2)));
  };
}
for (let i = 0; i < 3; i++) await run();
const times: number[] = [];
const cpu = process.cpuUsage();
for (let i = 0; i < Number(n); i++) {
  const t = performance.now();
  await run();
  times.push(performance.now() - t);
}
const used = process.cpuUsage(cpu);
times.sort((a, b) => a - b);
// CPU time of this process (not the database's) per request: steadier than wall time on busy cores.
const cpuPerRequest = ((used.user + used.system) / 1000 / Number(n)).toFixed(1);
console.log(
  `${what}: median ${times[times.length >> 1]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, ` +
    `gateway process CPU ${cpuPerRequest} ms per request, over ${n}`,
);
await gateway.stop();
await database.close();
