import type { Db } from "../../db/client.ts";
import { uncancellable } from "../../db/cancellation.ts";
import { accessLog } from "../../db/tables/audit.ts";
import type { Viewer } from "../identity/viewer.ts";

/** What a request says about itself, for the log. */
export interface AuditRequest {
  /** The GraphQL operation name, if the client gave one. */
  operation?: string | null;
  /** Why the data is read: the `X-Purpose` header, if sent. */
  purpose?: string | null;
  requestId?: string | null;
}

export interface AuditRecorder {
  /** Notes that these children's `fields` ("Type.field") were read. In memory only: no SQL. */
  record(childIds: readonly number[], fields: readonly string[]): void;
  /**
   * The operation's name, when the recorder was created before the operation was parsed. The
   * first name given wins; a gateway's subgraph fetch name (`Roster__hub__0`) is logged as the
   * client's (`Roster`).
   */
  noteOperation(name: string | null | undefined): void;
  /** Children and fields recorded and not yet written. */
  readonly pending: { childIds: readonly number[]; fields: readonly string[] };
  /**
   * Writes everything recorded so far as ONE row (one INSERT statement, however many children),
   * then starts afresh. Nothing recorded: no statement at all.
   */
  flush(): Promise<{ written: boolean; childCount: number }>;
}

/** Operation names and purposes are caller-supplied text: bounded and single-line in the log. */
const MAX_TEXT = 200;

/**
 * One recorder per request. Resolvers call `record` for every child whose fields they return;
 * the request's end calls `flush`, so the log costs one statement per request, not one per child.
 *
 *   const audit = createAuditRecorder(db, viewer, {
 *     operation: "SchoolRoster",
 *     purpose: "insurance drive",
 *     requestId,
 *   });
 *   audit.record([101, 102], ["Child.name", "Child.idNumber"]);
 *   await audit.flush(); // one row: child_ids {101,102}, fields {Child.idNumber,Child.name}
 */
export function createAuditRecorder(db: Db, viewer: Viewer, request: AuditRequest = {}): AuditRecorder {
  let childIds = new Set<number>();
  let fields = new Set<string>();
  let operation = request.operation ?? null;
  return {
    noteOperation(name) {
      if (operation === null && name) operation = name.replace(/__[A-Za-z0-9_]+__\d+$/, "");
    },
    record(ids, names) {
      if (ids.length === 0) return;
      for (const id of ids) {
        if (!Number.isSafeInteger(id) || id <= 0)
          throw new RangeError(`audit: child ids are positive whole numbers, but got ${id}`);
        childIds.add(id);
      }
      for (const name of names) fields.add(name);
    },
    get pending() {
      return { childIds: [...childIds].sort((a, b) => a - b), fields: [...fields].sort() };
    },
    async flush() {
      if (childIds.size === 0) return { written: false, childCount: 0 };
      // Take the batch before awaiting: reads recorded meanwhile go to the next flush, none twice.
      const ids = [...childIds].sort((a, b) => a - b);
      const names = [...fields].sort();
      childIds = new Set();
      fields = new Set();
      // Written even for a request stopped by its timeout: what it read before is still audited.
      await uncancellable(() =>
        db
          .insert(accessLog)
          .values({
            actor: viewer.subject,
            role: viewer.role,
            scope: viewer.scope,
            operation: cleanText(operation),
            childIds: ids,
            fields: names,
            purpose: cleanText(request.purpose),
            requestId: cleanText(request.requestId),
          })
          .execute(),
      );
      return { written: true, childCount: ids.length };
    },
  };
}

function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (text === "") return null;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
