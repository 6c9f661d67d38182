import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { GraphQLError, Kind, parse, print, type DocumentNode } from "graphql";
import { ErrorCode } from "../errors.ts";

/**
 * The registered operations (persisted queries). With a safelist on, the servers run only
 * these: anything else is refused before validation finishes, whatever its shape. A client may
 * send the operation's text, or only its id (Apollo's persisted-query extension:
 * `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<id>"}}}`).
 *
 * Where they come from (HUB_SAFELIST): a folder of `.graphql` files (tests/operations/ is the
 * hub's own), one `.graphql` file, or a `.json` file: an array of operation texts, an object of
 * id → text, or an Apollo persisted-query manifest (`{ "operations": [{ "id", "body" }] }`).
 * An operation matches by its printed form, so whitespace, comments and commas do not matter.
 */
export interface Safelist {
  readonly size: number;
  /** The names of the registered operations: the values the metrics' `operation` label may take. */
  readonly names: ReadonlySet<string>;
  /** Whether this document is a registered one. */
  allows(document: DocumentNode): boolean;
  /** The store Apollo looks ids up in: read-only, so APQ cannot register new operations. */
  readonly cache: ReadOnlyQueryStore;
}

/** The part of Apollo's KeyValueCache its persisted-query lookup uses. */
export interface ReadOnlyQueryStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A safelist of these operation texts (ids given, or the SHA-256 of the text and of its printed form). */
export function createSafelist(operations: readonly { text: string; id?: string }[]): Safelist {
  const printed = new Set<string>();
  const byId = new Map<string, string>();
  const names = new Set<string>();
  for (const { text, id } of operations) {
    const document = parse(text);
    for (const name of operationNamesOf(document)) names.add(name);
    const normal = print(document);
    printed.add(normal);
    byId.set(sha256(text), text);
    byId.set(sha256(normal), normal);
    if (id) byId.set(id, text);
  }
  return {
    size: printed.size,
    names,
    allows: (document) => printed.has(print(document)),
    cache: {
      // Apollo prefixes the ids it looks up ("apq:<sha256>").
      get: async (key) => byId.get(key.replace(/^apq:/, "")),
      set: async () => {},
      delete: async () => false,
    },
  };
}

/** The names of a document's named operations. */
export function operationNamesOf(document: DocumentNode): string[] {
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []));
}

/** Reads a safelist from a folder of .graphql files, a .graphql file or a .json file (see above). */
export function loadSafelist(location: string): Safelist {
  const stat = statSync(location, { throwIfNoEntry: false });
  if (!stat) throw new Error(`HUB_SAFELIST: no file or folder at ${location}`);
  let operations: { text: string; id?: string }[];
  if (stat.isDirectory()) {
    operations = readdirSync(location)
      .filter((f) => f.endsWith(".graphql"))
      .sort()
      .map((f) => ({ text: readFileSync(path.join(location, f), "utf8") }));
  } else if (location.endsWith(".json")) {
    operations = fromJson(JSON.parse(readFileSync(location, "utf8")) as unknown, location);
  } else {
    operations = [{ text: readFileSync(location, "utf8") }];
  }
  if (operations.length === 0)
    throw new Error(`HUB_SAFELIST: ${location} holds no operations (.graphql files or a .json list)`);
  return createSafelist(operations);
}

function fromJson(value: unknown, location: string): { text: string; id?: string }[] {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.map((text) => ({ text }));
  if (value && typeof value === "object" && Array.isArray((value as { operations?: unknown }).operations)) {
    return (value as { operations: { id?: unknown; body?: unknown }[] }).operations.map((o, i) => {
      if (typeof o.body !== "string")
        throw new Error(`HUB_SAFELIST: ${location}: operations[${i}].body must be the operation's text`);
      return { text: o.body, ...(typeof o.id === "string" ? { id: o.id } : {}) };
    });
  }
  if (value && typeof value === "object" && Object.values(value).every((v) => typeof v === "string")) {
    return Object.entries(value as Record<string, string>).map(([id, text]) => ({ id, text }));
  }
  throw new Error(
    `HUB_SAFELIST: ${location} must be an array of operation texts, an object of id → text, ` +
      `or a persisted-query manifest ({"operations": [{"id", "body"}]})`,
  );
}

export function notSafelistedError(): GraphQLError {
  return new GraphQLError(
    "this operation is not one of the registered operations, and only those may run here (HUB_SAFELIST)",
    {
      extensions: { code: ErrorCode.OPERATION_NOT_SAFELISTED, http: { status: 400 } },
    },
  );
}
