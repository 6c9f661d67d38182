import type { BuiltChild } from "../kit/builders.ts";
import type { Case, RootSpec } from "./cases.ts";
import { ALWAYS_MASKED, CATEGORY_OF, MASK_OF, MAY_SEE, NOT_INDIVIDUAL, expectedFor, type Column } from "./matrix.ts";
import { inRows, visiblePlaces, type ChildName, type Province } from "./province.ts";
import type { Sel } from "./walk.ts";

/**
 * Reading the hub's answers against DESIGN.md's matrix (matrix.ts): every field observed is
 * judged (allowed, masked or FORBIDDEN as the matrix says), every child answered must be inside
 * the rows, out-of-scope cases must read exactly as the non-existent one, every read of a child
 * must be in the access log, and no identifier beyond the role's grant may appear anywhere.
 * Problems are collected by what they are about, so each becomes one test of its own.
 */

export type Channel = "gateway" | "household" | "health" | "education" | "insurance" | "hub";

export interface GraphError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}
export interface Answer {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphError[];
}

/** One operation: a root (or an entity type) asked for a chunk of its cases, for one role, on one channel. */
export interface Plan {
  channel: Channel;
  column: Column;
  /** "Query.child", or "_entities.Child" on a subgraph. */
  root: string;
  spec: RootSpec;
  sels: Sel[];
  cases: Case[];
  entity: boolean;
  text: string;
  variables: Record<string, unknown>;
  requestId: string;
}

/** What one request read, for the access-log check once every request has answered. */
interface Reads {
  plan: Plan;
  /** Children whose fields were answered. */
  owners: Set<number>;
  /** Each answered leaf with the keys on its path (nearest first), and the child it is attributed to. */
  leaves: { chain: string[]; owner: number | null }[];
}

/** What a path's tests check: out of scope as missing, the rows, a region filter, the access log. */
export type Aspect = "scope" | "rows" | "filter" | "audit";

export interface Tally {
  /** Observations judged. */
  checked: number;
  problems: string[];
}

const newTally = (): Tally => ({ checked: 0, problems: [] });

/** A field's tally: also how often it answered, and how often with a value. */
interface FieldTally extends Tally {
  answered: number;
  valued: number;
}

const AGGREGATES = new Set(["School.studentCount", "CoordinationArea.enrolledCount", "StudentConnection.schoolYear"]);
const isAggregate = (key: string) => key.endsWith(".totalCount") || AGGREGATES.has(key);

/** Record kinds whose names tell which child a record outside any `Child` is. */
const NAME_FIELDS: Readonly<Record<string, string>> = {
  StudentRegistration: "name",
  Enrollment: "name",
  DoctorContract: "patientName",
  HouseholdMember: "name",
  ImmunizationRecord: "childName",
  BirthCertificate: "childName",
};

export class Observer {
  readonly fields = new Map<string, FieldTally>();
  readonly paths = new Map<string, Tally>();
  readonly secrets = new Map<Column, Tally>();
  private readonly reads: Reads[] = [];
  private readonly nameOf = new Map<number, ChildName>();
  private readonly rowsOf = new Map<Column, Set<number>>();
  private readonly ownersByName = new Map<string, Map<string, number[]>>();

  constructor(
    private readonly province: Province,
    private readonly outside: ReadonlySet<string>,
  ) {
    for (const [name, child] of Object.entries(province.children) as [ChildName, BuiltChild][]) {
      this.nameOf.set(child.id, name);
      const kinds: Record<string, boolean> = {
        StudentRegistration: child.registrations.length > 0,
        Enrollment: child.enrollments.length > 0,
        DoctorContract: child.contracts.length > 0,
        HouseholdMember: child.person?.householdNumber != null,
        ImmunizationRecord: child.immunizations.length > 0,
        BirthCertificate: child.birthCertificate !== null,
      };
      for (const [kind, has] of Object.entries(kinds)) {
        if (!has) continue;
        let byName = this.ownersByName.get(kind);
        if (!byName) this.ownersByName.set(kind, (byName = new Map()));
        byName.set(child.name, [...(byName.get(child.name) ?? []), child.id]);
      }
    }
  }

  fieldTally(column: Column, key: string): FieldTally {
    const id = `${column} ${key}`;
    let tally = this.fields.get(id);
    if (!tally) this.fields.set(id, (tally = { ...newTally(), answered: 0, valued: 0 }));
    return tally;
  }

  pathTally(column: Column, channel: Channel, root: string, aspect: Aspect): Tally {
    const id = `${column} ${channel} ${root} ${aspect}`;
    let tally = this.paths.get(id);
    if (!tally) this.paths.set(id, (tally = newTally()));
    return tally;
  }

  rows(column: Column): Set<number> {
    let rows = this.rowsOf.get(column);
    if (!rows) {
      const p = this.province;
      rows = new Set(
        (Object.keys(p.children) as ChildName[])
          .filter((name) => inRows(column, p.viewers[column], p.places[name]))
          .map((name) => p.children[name].id),
      );
      this.rowsOf.set(column, rows);
    }
    return rows;
  }

  /** Judges one answer to a plan. */
  take(plan: Plan, answer: Answer): void {
    const errors = new Map<string, GraphError>();
    for (const e of answer.errors ?? []) errors.set((e.path ?? []).join("."), e);
    const reads: Reads = { plan, owners: new Set(), leaves: [] };
    this.reads.push(reads);
    const where = (i: number) => `${plan.channel} ${plan.root} (${plan.cases[i]!.kind}: ${plan.cases[i]!.label})`;
    const unplaced = [...errors.keys()].filter((k) => !/^c\d+(\.|$)/.test(k));
    if (unplaced.length > 0 || (answer.data === undefined && (answer.errors?.length ?? 0) > 0))
      this.pathTally(plan.column, plan.channel, plan.root, "scope").problems.push(
        `${plan.channel} ${plan.root}: the operation failed: ${JSON.stringify(answer.errors).slice(0, 600)}`,
      );
    plan.cases.forEach((c, i) => {
      const alias = `c${i}`;
      const prefix: (string | number)[] = plan.entity ? [alias, 0] : [alias];
      const raw = answer.data?.[alias];
      const value = plan.entity ? (Array.isArray(raw) ? raw[0] : raw) : raw;
      const context: Context = { plan, errors, reads, where: where(i) };
      if (!plan.entity) this.observeRoot(context, prefix, value);
      if (value !== null && value !== undefined && typeof value === "object")
        this.observeValue(context, plan.sels, value, prefix, [plan.root], null);
      this.checkCase(plan, i, value, errors);
    });
    this.compareCases(plan, answer, errors);
    this.scanSecrets(plan, answer);
  }

  private observeRoot(context: Context, prefix: (string | number)[], value: unknown): void {
    const { plan } = context;
    const error = context.errors.get(prefix.join("."));
    this.judge(context, plan.root, error, value, prefix);
  }

  /** Judges a field's outcome; answers whether its value may be descended into. */
  private judge(
    context: Context,
    key: string,
    error: GraphError | undefined,
    value: unknown,
    path: readonly (string | number)[],
  ): boolean {
    const { plan } = context;
    const column = plan.column;
    const tally = this.fieldTally(column, key);
    tally.checked++;
    const at = `${context.where} at ${path.join(".")}`;
    const expected = expectedFor(column, key);
    const category = CATEGORY_OF[key] ?? "no category";
    if (category === "no category" && tally.checked === 1)
      tally.problems.push(`${key} has no DESIGN.md category in tests/blackbox/matrix.ts: it is served all the same`);
    if (error) {
      const code = String(error.extensions?.code ?? "");
      if (code === "FORBIDDEN") {
        if (expected !== "deny")
          tally.problems.push(`${at}: FORBIDDEN, but DESIGN.md lets ${column} read ${category} (${expected})`);
      } else tally.problems.push(`${at}: ${code || "an error"}: ${error.message.slice(0, 200)}`);
      return false;
    }
    if (value === undefined) return false;
    tally.answered++;
    if (value !== null && !(Array.isArray(value) && value.length === 0)) tally.valued++;
    if (expected === "deny") {
      tally.problems.push(
        `${at}: answered ${preview(value)}, but DESIGN.md denies ${category} to ${column}: it must be FORBIDDEN`,
      );
      return false;
    }
    const problem = maskProblem(key, expected === "mask", value);
    if (problem) tally.problems.push(`${at}: ${problem}`);
    return true;
  }

  private observeValue(
    context: Context,
    sels: readonly Sel[],
    value: unknown,
    path: readonly (string | number)[],
    chain: readonly string[],
    owner: number | null,
  ): void {
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.observeValue(context, sels, v, [...path, i], chain, owner));
      return;
    }
    if (value === null || typeof value !== "object") return;
    const object = value as Record<string, unknown>;
    const here = this.ownerOf(sels, object, owner);
    for (const sel of sels) {
      const fieldPath = [...path, sel.field];
      const error = context.errors.get(fieldPath.join("."));
      const fieldValue = error ? undefined : object[sel.field];
      const descend = this.judge(context, sel.key, error, fieldValue, fieldPath);
      if (!descend) continue;
      const fieldChain = [sel.key, ...chain];
      if (sel.leaf) {
        if (sel.key === "Child.id" && here !== null) context.reads.owners.add(here);
        const category = CATEGORY_OF[sel.key];
        if ((category === undefined || !NOT_INDIVIDUAL.has(category)) && !isAggregate(sel.key))
          context.reads.leaves.push({ chain: fieldChain, owner: here });
        continue;
      }
      if (fieldValue === null) this.observeNulled(context, sel, fieldPath);
      else this.observeValue(context, sel.children, fieldValue, fieldPath, fieldChain, here);
    }
  }

  /** A null object whose errors lie deeper: a non-null field below it was FORBIDDEN. */
  private observeNulled(context: Context, sel: Sel, path: readonly (string | number)[]): void {
    const prefix = `${path.join(".")}.`;
    for (const [at, error] of context.errors) {
      if (!at.startsWith(prefix)) continue;
      let sels: readonly Sel[] = sel.children;
      let found: Sel | undefined;
      for (const step of at.slice(prefix.length).split(".")) {
        if (/^\d+$/.test(step)) continue;
        found = sels.find((s) => s.field === step);
        if (!found) break;
        sels = found.children;
      }
      if (found) this.judge(context, found.key, error, undefined, at.split("."));
    }
  }

  /** Which child an object's fields are about: the `Child` itself, the one it is under, or its own record's. */
  private ownerOf(sels: readonly Sel[], object: Record<string, unknown>, inherited: number | null): number | null {
    const typeName = sels[0]?.key.split(".")[0] ?? null;
    if (typeName === "Child" && typeof object.id === "string") return Number(object.id);
    if (inherited !== null) return inherited;
    const below = findChildId(sels, object);
    if (below !== null) return below;
    if (typeName && NAME_FIELDS[typeName]) {
      const name = object[NAME_FIELDS[typeName]!];
      const owners = typeof name === "string" ? this.ownersByName.get(typeName)?.get(name) : undefined;
      if (owners?.length === 1) return owners[0]!;
    }
    return null;
  }

  /** In-scope children found, and every child answered inside the rows. */
  private checkCase(plan: Plan, i: number, value: unknown, errors: ReadonlyMap<string, GraphError>): void {
    const c = plan.cases[i]!;
    const rows = this.rows(plan.column);
    const tally = this.pathTally(plan.column, plan.channel, plan.root, "rows");
    tally.checked++;
    const ids = childIdsIn(plan.sels, value);
    for (const id of ids) {
      if (rows.has(id)) continue;
      tally.problems.push(
        `${plan.channel} ${plan.root} (${c.kind}: ${c.label}): answered child ${id} (${this.nameOf.get(id) ?? "?"}), ` +
          `outside ${plan.column}'s rows`,
      );
    }
    // Department records outside any Child: whose they are, by the (unique) name they carry.
    for (const id of this.namedOwnersIn(plan.sels, value))
      if (!rows.has(id))
        tally.problems.push(
          `${plan.channel} ${plan.root} (${c.kind}: ${c.label}): answered a record of child ${id} ` +
            `(${this.nameOf.get(id) ?? "?"}), outside ${plan.column}'s rows`,
        );
    const region = plan.spec.filtersBy?.(c.args);
    if (region !== undefined) {
      const filter = this.pathTally(plan.column, plan.channel, plan.root, "filter");
      filter.checked++;
      const p = this.province;
      for (const id of ids) {
        const name = this.nameOf.get(id);
        if (!name || !rows.has(id)) continue;
        const visible = visiblePlaces(plan.column, p.viewers[plan.column], p.places[name]);
        if (!visible.some((place) => place.startsWith(region)))
          filter.problems.push(
            `${plan.channel} ${plan.root} (${c.kind}: ${c.label}): lists child ${id} (${name}) under region ` +
              `${region}, where nothing ${plan.column} may see places it (it sees it at ${visible.join(", ")}): ` +
              "the filter tells what the fields would not",
          );
      }
    }
    if (c.kind !== "in") return;
    const rootError = errors.get(`c${i}`);
    const lookup = plan.spec.compare === "whole" && !plan.spec.present && !Array.isArray(value);
    const rootAllowed = plan.entity
      ? plan.root.endsWith(".Child")
        ? MAY_SEE[plan.column].child !== undefined
        : false
      : expectedFor(plan.column, plan.root) !== "deny";
    if (lookup && rootAllowed && (value === null || value === undefined) && !rootError)
      tally.problems.push(`${plan.channel} ${plan.root} (in: ${c.label}): null for a case inside the rows`);
    if (!readsChildId(plan.sels, plan.column)) return;
    for (const name of plan.spec.present ?? []) {
      const p = this.province;
      if (!inRows(plan.column, p.viewers[plan.column], p.places[name])) continue;
      if (!ids.has(p.children[name].id))
        tally.problems.push(
          `${plan.channel} ${plan.root} (in: ${c.label}): ${name} (child ${p.children[name].id}) is inside the rows ` +
            "and should be in the answer",
        );
    }
  }

  /** The children whose department records (named, of a kind the child has) a value holds. */
  private namedOwnersIn(sels: readonly Sel[], value: unknown, into = new Set<number>()): Set<number> {
    if (Array.isArray(value)) {
      for (const v of value) this.namedOwnersIn(sels, v, into);
      return into;
    }
    if (value === null || typeof value !== "object") return into;
    const object = value as Record<string, unknown>;
    const typeName = sels[0]?.key.split(".")[0] ?? "";
    const nameField = NAME_FIELDS[typeName];
    const name = nameField ? object[nameField] : undefined;
    const owners = typeof name === "string" ? this.ownersByName.get(typeName)?.get(name) : undefined;
    if (owners?.length === 1) into.add(owners[0]!);
    for (const sel of sels) if (!sel.leaf) this.namedOwnersIn(sel.children, object[sel.field], into);
    return into;
  }

  /** Out of scope answers exactly as the non-existent case does. */
  private compareCases(plan: Plan, answer: Answer, errors: ReadonlyMap<string, GraphError>): void {
    if (plan.spec.compare === "none") return;
    const tally = this.pathTally(plan.column, plan.channel, plan.root, "scope");
    const missing = plan.cases.findIndex((c) => c.kind === "missing");
    const shape = (i: number) => normalised(plan, i, answer, errors);
    if (plan.spec.compare === "whole" || plan.spec.compare === "list") {
      if (missing < 0) return;
      const rows = this.rows(plan.column);
      plan.cases.forEach((c, i) => {
        if (c.kind !== "out") return;
        tally.checked++;
        // A list may name children inside the rows under another region (each is checked against the rows).
        const rowsListed =
          plan.spec.compare === "list" && [...childIdsIn(plan.sels, answer.data?.[`c${i}`])].some((id) => rows.has(id));
        const listLevel = (errors: unknown) =>
          (errors as { path: string }[]).filter((e) => !e.path.startsWith(".edges."));
        const part = (x: { data: unknown; errors: unknown }) => JSON.stringify(rowsListed ? listLevel(x.errors) : x);
        const reference = part(shape(missing));
        const got = part(shape(i));
        if (got !== reference)
          tally.problems.push(
            `${plan.channel} ${plan.root}: out of scope (${c.label}) answered ${got.slice(0, 400)}, ` +
              `but non-existent (${plan.cases[missing]!.label}) answered ${reference.slice(0, 400)}`,
          );
      });
      return;
    }
    // Containers: every register entry outside the rows shows of its children what an empty one shows.
    const projections: { label: string; shape: string }[] = [];
    plan.cases.forEach((c, i) => {
      const alias = `c${i}`;
      const raw = answer.data?.[alias];
      const value = plan.entity ? (Array.isArray(raw) ? raw[0] : raw) : raw;
      const prefix = plan.entity ? [alias, 0] : [alias];
      for (const node of containerNodes(plan.sels, value, prefix)) {
        const code = node.value.code;
        const outside = typeof code === "string" ? this.outside.has(code) : c.kind !== "in";
        if (!outside) continue;
        const projected = project(node.sels, node.value, node.path, errors, plan, i);
        projections.push({
          label: `${c.label}${typeof code === "string" ? ` → ${code}` : ""}`,
          shape: JSON.stringify(projected),
        });
      }
    });
    if (projections.length === 0) return;
    tally.checked += projections.length;
    const [first, ...rest] = projections;
    for (const other of rest)
      if (other.shape !== first!.shape)
        tally.problems.push(
          `${plan.channel} ${plan.root}: outside the rows, ${other.label} shows ${other.shape.slice(0, 400)} ` +
            `of its children, but ${first!.label} shows ${first!.shape.slice(0, 400)}`,
        );
  }

  /** No identifier beyond the role's grant, nor anything of a child outside its rows, anywhere in the answer. */
  private scanSecrets(plan: Plan, answer: Answer): void {
    let tally = this.secrets.get(plan.column);
    if (!tally) this.secrets.set(plan.column, (tally = newTally()));
    tally.checked++;
    const text = JSON.stringify(answer);
    const asked = `${plan.text} ${JSON.stringify(plan.variables)}`;
    for (const [secret, what] of this.secretsOf(plan.column)) {
      if (asked.includes(secret) || !text.includes(secret)) continue;
      tally.problems.push(`${plan.channel} ${plan.root}: the answer holds ${what} (${secret})`);
    }
    if (!idBearing(plan.column)) {
      const match = /(?<![0-9])\d{17}[0-9X](?![0-9])/.exec(text);
      if (match && !asked.includes(match[0]))
        tally.problems.push(`${plan.channel} ${plan.root}: the answer holds a whole ID number (${match[0]})`);
    }
  }

  private readonly secretCache = new Map<Column, Map<string, string>>();
  private secretsOf(column: Column): Map<string, string> {
    let secrets = this.secretCache.get(column);
    if (secrets) return secrets;
    secrets = new Map();
    const grants = MAY_SEE[column];
    const full = (...categories: (keyof typeof grants)[]) => categories.some((c) => grants[c] === "full");
    const rows = this.rows(column);
    for (const [name, child] of Object.entries(this.province.children) as [ChildName, BuiltChild][]) {
      const outside = !rows.has(child.id);
      const parents = [child.mother, child.father];
      if (child.idNumber && (outside || !idBearing(column)))
        secrets.set(child.idNumber, `the ID number of ${name}${outside ? ", outside the rows" : ""}`);
      for (const parent of parents) {
        if (outside || !full("guardianIdNumber", "birthCertificateParentIds", "payerIdNumber"))
          secrets.set(parent.idNumber, `a parent's ID number of ${name}${outside ? ", outside the rows" : ""}`);
        const phones = ["guardianPhone", "birthCertificate", "immunization", "doctorContracts", "schoolGuardianPhone"];
        if (outside || !full(...(phones as (keyof typeof grants)[])))
          secrets.set(parent.phone, `a guardian's phone of ${name}${outside ? ", outside the rows" : ""}`);
      }
    }
    this.secretCache.set(column, secrets);
    return secrets;
  }

  /** After every request: the access log read as its owner, request by request. */
  checkAudit(log: ReadonlyMap<string, { childIds: Set<number>; fields: Set<string> }>): void {
    for (const { plan, owners, leaves } of this.reads) {
      const tally = this.pathTally(plan.column, plan.channel, plan.root, "audit");
      if (owners.size === 0 && leaves.length === 0) continue;
      const row = log.get(plan.requestId);
      tally.checked++;
      const where = `${plan.channel} ${plan.root} (request ${plan.requestId})`;
      if (!row) {
        tally.problems.push(`${where}: read children ${[...owners].join(", ")} and wrote no access-log row`);
        continue;
      }
      for (const id of owners)
        if (!row.childIds.has(id)) tally.problems.push(`${where}: read child ${id}; the log does not name it`);
      const missed = new Set<string>();
      for (const leaf of leaves) {
        tally.checked++;
        if (leaf.owner !== null && !row.childIds.has(leaf.owner))
          missed.add(`${leaf.chain[0]} of child ${leaf.owner} (the log names children ${[...row.childIds].join(",")})`);
        if (!leaf.chain.some((key) => row.fields.has(key)))
          missed.add(`${leaf.chain[0]} (nor any of ${leaf.chain.slice(1, -1).join(", ")}) is not in the log's fields`);
      }
      for (const m of missed) tally.problems.push(`${where}: ${m}`);
    }
  }
}

interface Context {
  plan: Plan;
  errors: ReadonlyMap<string, GraphError>;
  reads: Reads;
  where: string;
}

/** Whether the role holds any grant that shows whole ID numbers (a G student number, a member's number …). */
function idBearing(column: Column): boolean {
  const grants = MAY_SEE[column];
  return (["idNumber", "enrollmentIdNumber", "contractIdNumber", "studentNumber", "household"] as const).some(
    (c) => grants[c] === "full",
  );
}

const ID_MASK = /^\d{2}\*{16}$/;
const STUDENT_MASK = /^[GJL]\d{2}\*{16}$/;

/** Whether a value shows as DESIGN.md and the README say: masked where granted masked, whole where granted whole. */
function maskProblem(key: string, masked: boolean, value: unknown): string | null {
  const strings = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
  const always = ALWAYS_MASKED[key];
  const category = CATEGORY_OF[key];
  for (const s of strings) {
    if (always === "idNumber" && !ID_MASK.test(s)) return `"${s}" is not an ID number masked to its province`;
    if (always === "phone" && !/^\*+\d{4}$/.test(s)) return `"${s}" is not a phone masked to its last 4 digits`;
    if (always === "certificateNumber" && !/^[A-Z]\*+\d{4}$/.test(s))
      return `"${s}" is not a certificate number masked to its letter and last 4 digits`;
    const kind = category && MASK_OF[category];
    if (!kind) continue;
    if (masked) {
      const ok = kind === "idNumber" ? ID_MASK.test(s) : STUDENT_MASK.test(s);
      if (!ok) return `"${s}" is not masked as the README says (${kind === "idNumber" ? "11" : "G11"}****************)`;
    } else if (s.includes("*")) return `"${s}" is masked, but DESIGN.md grants it whole`;
  }
  return null;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Every master child id answered in a value (a `Child`'s `id`). */
function childIdsIn(sels: readonly Sel[], value: unknown, into = new Set<number>()): Set<number> {
  if (Array.isArray(value)) {
    for (const v of value) childIdsIn(sels, v, into);
    return into;
  }
  if (value === null || typeof value !== "object") return into;
  const object = value as Record<string, unknown>;
  for (const sel of sels) {
    const v = object[sel.field];
    if (sel.key === "Child.id" && typeof v === "string") into.add(Number(v));
    else if (!sel.leaf) childIdsIn(sel.children, v, into);
  }
  return into;
}

/** The first `Child.id` below an object, if any. */
function findChildId(sels: readonly Sel[], object: Record<string, unknown>): number | null {
  const [first] = childIdsIn(sels, object);
  return first ?? null;
}

/** Whether the role may read some path from the root down to a child's id. */
function readsChildId(sels: readonly Sel[], column: Column): boolean {
  return sels.some((s) => {
    if (expectedFor(column, s.key) === "deny") return false;
    return s.key === "Child.id" || (!s.leaf && readsChildId(s.children, column));
  });
}

/** A case's answer, with its own arguments, alias and list positions taken out of its errors. */
function normalised(
  plan: Plan,
  i: number,
  answer: Answer,
  errors: ReadonlyMap<string, GraphError>,
): { data: unknown; errors: unknown } {
  const alias = `c${i}`;
  const args = Object.values(plan.cases[i]!.args).flatMap((v) => (typeof v === "object" ? Object.values(v) : [v]));
  const clean = (message: string) =>
    args.reduce<string>((m, a) => m.split(String(a)).join("<argument>"), message).replace(/\bc\d+\b/g, "<alias>");
  const own = [...errors.entries()]
    .filter(([at]) => at === alias || at.startsWith(`${alias}.`))
    .map(([at, e]) => ({
      path: at.slice(alias.length),
      code: e.extensions?.code ?? null,
      message: clean(e.message),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return { data: answer.data?.[alias] ?? null, errors: own };
}

/** The register entries a container answer holds: the entry itself, or a connection's nodes. */
function containerNodes(
  sels: readonly Sel[],
  value: unknown,
  path: readonly (string | number)[],
): { sels: readonly Sel[]; value: Record<string, unknown>; path: (string | number)[] }[] {
  if (value === null || value === undefined || typeof value !== "object") return [];
  const object = value as Record<string, unknown>;
  const edges = sels.find((s) => s.field === "edges");
  if (!edges) return [{ sels, value: object, path: [...path] }];
  const node = edges.children.find((s) => s.field === "node");
  if (!node || !Array.isArray(object.edges)) return [];
  return (object.edges as Record<string, unknown>[]).flatMap((edge, k) =>
    edge && typeof edge.node === "object" && edge.node !== null
      ? [{ sels: node.children, value: edge.node as Record<string, unknown>, path: [...path, "edges", k, "node"] }]
      : [],
  );
}

/** What a register entry shows of individuals: the fields of individual categories, with their errors. */
function project(
  sels: readonly Sel[],
  value: unknown,
  path: readonly (string | number)[],
  errors: ReadonlyMap<string, GraphError>,
  plan: Plan,
  i: number,
  inside = false,
): unknown {
  if (Array.isArray(value)) return value.map((v, k) => project(sels, v, [...path, k], errors, plan, i, inside));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const sel of sels) {
    const category = CATEGORY_OF[sel.key];
    const individual = inside || category === undefined || !NOT_INDIVIDUAL.has(category);
    if (!individual) continue;
    const at = [...path, sel.field];
    const error = errors.get(at.join("."));
    if (error) {
      out[sel.field] = { error: error.extensions?.code ?? null, message: error.message.replace(/\d+/g, "#") };
      continue;
    }
    out[sel.field] = sel.leaf ? object[sel.field] : project(sel.children, object[sel.field], at, errors, plan, i, true);
  }
  return out;
}
