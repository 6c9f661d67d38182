import { sql } from "drizzle-orm";
import type { AuthenticatedViewer } from "../../src/access/identity/viewer.ts";
import { queryRows } from "../../src/db/client.ts";
import { yearOf } from "../../src/domain/dates.ts";
import { runJsonChild } from "../kit/child-json.ts";
import { bearer, dataOf, type BenchContext, type Scenario } from "../kit/context.ts";
import { postGraphql } from "../kit/http.ts";
import type { LoadJob, LoadResult } from "../kit/load-client.ts";
import { say } from "../kit/log.ts";
import { startRssSampler } from "../kit/memory.ts";
import { PATIENT_LOOKUP } from "./patient-lookup.ts";

const SCHOOL_COVERAGE = `query SchoolCoverage($code: String!, $asOf: Date!) {
  school(code: $code) {
    code name
    coverage(asOf: $asOf) { children insured insuredRate statusCounts { status count } }
    students(first: 50) {
      totalCount
      edges {
        node {
          studentNumber name grade className
          child { id idNumber coverage(asOf: $asOf) { status reasons action } }
        }
      }
    }
  }
}`;

const REGION_COVERAGE = `query RegionCoverage($region: String!, $asOf: Date!) {
  coverageSummary(region: $region, groupBy: REGION, asOf: $asOf) {
    total { children insured insuredRate newborns newbornInsuredRate }
    groups { key label suppressed children insured insuredRate }
  }
}`;

const HEALTH_CHILD = `query HealthChild($idNumber: String!, $asOf: Date!) {
  childByIdNumber(idNumber: $idNumber) {
    id name birthDate idNumber
    birthCertificate { certificateNumber }
    immunizations { site { name } doses { vaccineName doseNumber givenOn } }
    coverage(asOf: $asOf) { status deadline }
  }
}`;

const EDUCATION_ROSTER = `query EducationRoster($code: String!, $asOf: Date!) {
  school(code: $code) {
    name
    students(first: 100) {
      edges { node { name grade className child { id coverage(asOf: $asOf) { status reasons } } } }
    }
  }
}`;

export const concurrentLoad: Scenario = {
  name: "load",
  title: "4. concurrent load, mixed roles",
  async run(context: BenchContext) {
    const { asOf, duration, connections } = context.options;
    const db = context.database.db;
    const [doctor] = await queryRows<{ code: string; region: string }>(
      db,
      sql`select c.doctor_code as code, trim(d.region_code) as region
            from health.doctor_contracts c join health.family_doctors d using (doctor_code)
           where c.status = 'ACTIVE' group by 1, 2 order by count(*) desc, 1 limit 1`,
    );
    const [school] = await queryRows<{ code: string; region: string }>(
      db,
      sql`select r.school_code as code, trim(s.region_code) as region
            from education.student_registrations r join education.schools s using (school_code)
           where r.status = 'ENROLLED' group by 1, 2 order by count(*) desc, 1 limit 1`,
    );
    if (!doctor || !school) throw new Error("the province has no doctor with contracts or no school with students");
    const patients = (
      await queryRows<{ id: string }>(
        db,
        sql`select distinct patient_id_number as id from health.doctor_contracts
            where doctor_code = ${doctor.code} and status = 'ACTIVE' and patient_id_number is not null
            order by 1 limit 25`,
      )
    ).map((r) => r.id);
    const token = async (viewer: AuthenticatedViewer) => bearer(context, viewer);
    const roles = {
      family_doctor: await token({ subject: "load-doctor", role: "family_doctor", scope: { doctor: doctor.code } }),
      health_officer: await token({
        subject: "load-health",
        role: "health_officer",
        scope: { region: doctor.region.slice(0, 4) },
      }),
      school_admin: await token({ subject: "load-school", role: "school_admin", scope: { schools: [school.code] } }),
      education_officer: await token({
        subject: "load-education",
        role: "education_officer",
        scope: { region: school.region.slice(0, 4) },
      }),
      analyst: await token({ subject: "load-analyst", role: "analyst", scope: { region: "33" } }),
    };
    const year = yearOf(asOf);
    const pool: LoadJob["pool"] = [];
    const add = (label: string, headers: Record<string, string>, query: string, variables: Record<string, unknown>) =>
      pool.push({ label, headers, body: JSON.stringify({ query, variables }) });
    // One round of the mix: per patient a doctor's lookup and a health officer's; school and region
    // questions in between.
    patients.forEach((idNumber, i) => {
      add("family_doctor PatientLookup", roles.family_doctor, PATIENT_LOOKUP, { idNumber, asOf, year });
      add("health_officer HealthChild", roles.health_officer, HEALTH_CHILD, { idNumber, asOf });
      if (i % 3 === 0)
        add("school_admin SchoolCoverage", roles.school_admin, SCHOOL_COVERAGE, { code: school.code, asOf });
      if (i % 3 === 1)
        add("education_officer EducationRoster", roles.education_officer, EDUCATION_ROSTER, {
          code: school.code,
          asOf,
        });
      if (i % 3 === 2) add("analyst RegionCoverage", roles.analyst, REGION_COVERAGE, { region: "33", asOf });
    });

    const http = await context.gateway.listen(0);
    try {
      // Every request of the pool must be valid for its role before the load starts.
      for (const item of pool) {
        const body = JSON.parse(item.body) as { query: string; variables: Record<string, unknown> };
        dataOf(item.label, await postGraphql(http.url, body.query, body.variables, item.headers));
      }
      say(
        `load: ${pool.length} distinct requests of 5 roles answer without errors; ` +
          `${connections} connections for ${duration} s`,
      );
      const memory = startRssSampler();
      const result = await runLoadClient({ url: http.url, connections, duration, pool });
      const peak = memory.stop();
      // autocannon drops its connections at the deadline; the requests the server had queued
      // still run. Let them finish before anything is closed.
      await drained(context);
      const errors = result.non2xx + result.socketErrors + result.timeouts + result.graphqlErrors;
      const counted = `non-2xx ${result.non2xx}, socket ${result.socketErrors}, timeouts ${result.timeouts}`;
      context.record({
        scenario: `4 concurrent load: ${connections} clients, mixed roles`,
        variant: "gateway over loopback HTTP, in-process subgraphs (autocannon in its own process)",
        runs: `${duration} s, ${result.requests.toLocaleString("en-US")} requests`,
        median: result.p50,
        p95: null,
        throughput: `${result.rps.toFixed(0)} req/s; p99 ${result.p99.toFixed(0)} ms`,
        peakRss: peak,
        ratio: null,
        against: "—",
        check: errors === 0 ? "✓ 0 errors" : `✗ ${errors} errors (${counted}, GraphQL ${result.graphqlErrors})`,
      });
      const byLabel = Object.entries(result.byLabel)
        .map(([k, v]) => `${k} ${v.toLocaleString("en-US")}`)
        .join(", ");
      context.note(
        `4: autocannon 9, ${connections} connections, ${duration} s, ` +
          `requests in turn from a pool of ${pool.length}: ${byLabel}. ` +
          `"median" is autocannon's p50; p99 ${result.p99.toFixed(0)} ms. ` +
          `Errors counted: ${counted}, bodies with "errors" ${result.graphqlErrors}` +
          `${result.firstError ? ` (first: ${result.firstError})` : ""}. ` +
          "Server and load generator share the machine's 2 cores.",
      );
    } finally {
      await http.close();
    }
  },
};

/** Resolves once the database pool has been idle for half a second (or after 60 s). */
async function drained(context: BenchContext): Promise<void> {
  const pool = context.database.pool;
  if (!pool) return;
  const until = performance.now() + 60_000;
  let idleSince: number | null = null;
  while (performance.now() < until) {
    const idle = pool.waitingCount === 0 && pool.idleCount === pool.totalCount;
    if (!idle) idleSince = null;
    else if (idleSince === null) idleSince = performance.now();
    else if (performance.now() - idleSince > 500) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs the load generator as a child process and returns its figures. */
function runLoadClient(job: LoadJob): Promise<LoadResult> {
  return runJsonChild<LoadResult>(new URL("../kit/load-client.ts", import.meta.url), "the load client", {
    HUB_BENCH_LOAD: JSON.stringify(job),
    HUB_BENCH_CHILD: "1",
  });
}
