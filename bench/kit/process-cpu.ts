import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type pg from "pg";

/**
 * CPU time spent by the PostgreSQL server and by this process, for "CPU per request" figures.
 * The server's is read from /proc (the benchmark's server runs on the same machine): the
 * postmaster's own time plus its reaped children's (a backend that exited), plus every live
 * backend's. Only for a server on this machine; elsewhere the figure is null.
 */

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  ppid: number;
  /** utime + stime, ms. */
  own: number;
  /** cutime + cstime (children waited for), ms. */
  children: number;
}

function procStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: the fields after it follow the last ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const tick = (i: number) => (Number(fields[i]) * 1000) / TICKS_PER_SECOND;
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17.
    return { ppid: Number(fields[1]), own: tick(11) + tick(12), children: tick(13) + tick(14) };
  } catch {
    return null;
  }
}

/** The postmaster's pid, found through one backend's parent; null when it is not on this machine. */
export async function postmasterPid(pool: pg.Pool): Promise<number | null> {
  const { rows } = await pool.query<{ pid: number }>("select pg_backend_pid() as pid");
  const backend = rows[0] ? procStat(rows[0].pid) : null;
  if (!backend) return null;
  const parent = procStat(backend.ppid);
  return parent ? backend.ppid : null;
}

/** The server's total CPU time so far, ms (monotonic while the postmaster lives). */
export function postgresCpuMs(postmaster: number): number | null {
  const root = procStat(postmaster);
  if (!root) return null;
  let total = root.own + root.children;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.ppid === postmaster) total += stat.own;
  }
  return total;
}

/** This process's CPU time so far, ms. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
