import { randomUUID } from "node:crypto";
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/**
 * One process per PGlite data directory. PGlite is PostgreSQL in a single process with no
 * postmaster to arbitrate: two processes on one directory each believe they own its files, and
 * one overwrites what the other wrote (issue 23: with `npm start` running, an `npm run import`
 * on the same ./data lost 6,682 of 6,982 acknowledged rows). So whoever opens the directory
 * first holds `hub.lock` in it until it closes the database or exits, and anyone else is
 * refused with words that say who holds it and what to do instead.
 *
 * The lock is a file created exclusively (O_EXCL), holding the holder's pid: portable, and
 * visible to an operator with `cat`. A lock whose process is gone (killed with SIGKILL, the
 * machine lost power) is stale: the next opener takes it over and says so.
 */
export const LOCK_FILE = "hub.lock";

/** Who holds a data directory: what the lock file says. */
export interface LockHolder {
  pid: number;
  /** The entry point, relative to the working directory: "src/bin/start.ts". */
  command: string;
  hostname: string;
  since: string;
  /** Tells this opening of the directory from an earlier one by a process with the same pid. */
  token: string;
}

/** A second opener of a data directory someone holds: a clear refusal, never a second writer. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const dir = shown(dataDir);
    const self = holder.pid === process.pid ? ", this very process" : "";
    super(
      `the PGlite directory ${dir} is in use by process ${holder.pid} ` +
        `(${holder.command}${self}, since ${holder.since}): ` +
        "PGlite serves one process at a time, and a second one would overwrite what the first writes. " +
        "Stop it first, or import through the running hub's GraphQL API (submitHouseholdRecords, " +
        "submitHealthRecords, submitEducationRecords, submitInsuranceRecords). " +
        `If process ${holder.pid} is not a hub, delete ${shown(path.join(dataDir, LOCK_FILE))}`,
    );
    this.name = "DataDirInUseError";
  }
}

export interface DataDirLock {
  readonly dataDir: string;
  /** Removes the lock file if it is still this holder's; safe to call twice. */
  release(): void;
}

/** Directories this process holds, so an exit of any kind (process.exit included) releases them. */
const held = new Map<string, DataDirLock>();
let exitHookInstalled = false;

/**
 * Takes `dataDir` for this process (creating the directory), or throws DataDirInUseError when a
 * live process holds it, this one included. A stale lock is taken over with a warning.
 *
 *   const lock = lockDataDir("./data");   // before PGlite.create({ dataDir: "./data" })
 *   …
 *   lock.release();                       // after pglite.close()
 */
export function lockDataDir(dataDir: string, warn: (message: string) => void = defaultWarn): DataDirLock {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, LOCK_FILE);
  const mine: LockHolder = {
    pid: process.pid,
    command: commandOfThisProcess(),
    hostname: hostname(),
    since: new Date().toISOString(),
    token: randomUUID(),
  };
  const ours = held.get(dir);
  if (ours) throw new DataDirInUseError(dir, readHolder(lockPath)?.holder ?? mine);

  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusively(lockPath, mine)) return remember(dir, lockPath, mine);
    const existing = readHolder(lockPath);
    if (existing === null) continue; // released meanwhile: try again
    if (isAlive(existing, lockPath)) throw new DataDirInUseError(dir, existing.holder);
    if (takeOverStale(lockPath, existing.text)) {
      const was = existing.holder;
      const clean = pgliteShutDownCleanly(dir);
      warn(
        `took over the PGlite directory ${shown(dir)} from process ${was.pid} (${was.command}, since ${was.since}), ` +
          "which is no longer running" +
          (clean === false ? "; it was not shut down cleanly, so PGlite recovers it from its write-ahead log" : ""),
      );
    }
  }
  // Five rounds of others taking and releasing it: someone else is busy with it.
  const last = readHolder(lockPath);
  if (last) throw new DataDirInUseError(dir, last.holder);
  throw new Error(`could not take the lock ${shown(lockPath)}: other processes kept taking and releasing it`);
}

/**
 * Whether PGlite (PostgreSQL) last left `dataDir` shut down: the state in `global/pg_control`
 * (a 32-bit DBState after the 8-byte system identifier and two 32-bit versions; 1 is
 * DB_SHUTDOWNED). False after a crash or a kill, which the next start recovers from the
 * write-ahead log; null when there is no cluster there yet.
 */
export function pgliteShutDownCleanly(dataDir: string): boolean | null {
  try {
    const control = readFileSync(path.join(dataDir, "global", "pg_control"));
    return control.readUInt32LE(16) === 1;
  } catch {
    return null;
  }
}

function remember(dir: string, lockPath: string, mine: LockHolder): DataDirLock {
  const lock: DataDirLock = {
    dataDir: dir,
    release: () => {
      if (held.get(dir) !== lock) return;
      held.delete(dir);
      // Only our own file: a lock someone took over from us (after we were presumed dead) stays.
      if (readHolder(lockPath)?.holder.token === mine.token) unlinkQuietly(lockPath);
    },
  };
  held.set(dir, lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const each of [...held.values()]) each.release();
    });
  }
  return lock;
}

function createExclusively(lockPath: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(lockPath: string): { holder: LockHolder; text: string } | null {
  let text: string;
  try {
    text = readFileSync(lockPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === "number" && Number.isInteger(parsed.pid) && parsed.pid > 0)
      return {
        text,
        holder: {
          pid: parsed.pid,
          command: String(parsed.command ?? "unknown command"),
          hostname: String(parsed.hostname ?? ""),
          since: String(parsed.since ?? "an unknown time"),
          token: String(parsed.token ?? ""),
        },
      };
  } catch {
    /* written half-way: below */
  }
  // Unreadable: a holder killed between creating and writing it (stale), or one writing it now.
  return {
    text,
    holder: { pid: 0, command: "unreadable lock file", hostname: "", since: mtimeOf(lockPath), token: "" },
  };
}

/**
 * A holder is alive while its pid runs. Our own pid is alive only if this process holds the
 * directory (a container restarts its hub as the same pid 1, and that earlier hub is gone). A
 * lock written by another machine (a shared volume) cannot be checked from here: alive.
 */
function isAlive({ holder }: { holder: LockHolder }, lockPath: string): boolean {
  if (holder.pid === 0) return Date.now() - Date.parse(mtimeOf(lockPath)) < 5_000;
  if (holder.hostname && holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return false; // `held` said we do not hold it
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, another user's
  }
}

/**
 * Moves the stale lock aside and checks that what moved is what was judged stale: two openers
 * may judge the same stale lock at once, and the slower one must not remove the lock the faster
 * one has just created (it puts that one back). True when the stale lock is gone.
 */
function takeOverStale(lockPath: string, staleText: string): boolean {
  const aside = `${lockPath}.${process.pid}.${randomUUID()}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  const moved = readFileSync(aside, "utf8");
  if (moved !== staleText) {
    try {
      linkSync(aside, lockPath);
    } catch {
      /* yet another opener created one meanwhile: theirs stands */
    }
    unlinkQuietly(aside);
    return false;
  }
  unlinkQuietly(aside);
  return true;
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* gone already */
  }
}

function mtimeOf(file: string): string {
  try {
    return statSync(file).mtime.toISOString();
  } catch {
    return new Date(0).toISOString();
  }
}

/** The entry point this process runs, as an operator would recognise it: "src/bin/start.ts". */
function commandOfThisProcess(): string {
  const script = process.argv[1];
  if (!script) return path.basename(process.execPath);
  const relative = path.relative(process.cwd(), script);
  return relative.startsWith("..") ? script : relative;
}

/** A directory as the operator would type it: relative to the working directory when inside it. */
function shown(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  if (relative === "") return ".";
  return relative.startsWith("..") || path.isAbsolute(relative) ? dir : `./${relative}`;
}

function defaultWarn(message: string): void {
  console.warn(`warning: ${message}`);
}
