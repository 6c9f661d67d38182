import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "graphql";
import { OperationLabels } from "../observability/metrics.ts";
import { operationNamesOf, type Safelist } from "./safelist.ts";

/**
 * Where the hub's own client (the web console) keeps its operations: without a safelist, their
 * names are the ones the metrics name; any other is "other".
 */
const CONSOLE_OPERATIONS = "src/console/operations";

/**
 * The operation names metrics may carry as labels: the safelist's when there is one (only those
 * run), else the web console's. A bounded set either way, whatever names clients send.
 */
export function operationLabelsFor(safelist: Safelist | null, projectRoot: string = process.cwd()): OperationLabels {
  return new OperationLabels(safelist ? safelist.names : consoleOperationNames(projectRoot));
}

let consoleNames: ReadonlySet<string> | null = null;

function consoleOperationNames(projectRoot: string): ReadonlySet<string> {
  if (consoleNames) return consoleNames;
  const names = new Set<string>();
  const dir = path.join(projectRoot, CONSOLE_OPERATIONS);
  try {
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".graphql")))
      for (const name of operationNamesOf(parse(readFileSync(path.join(dir, file), "utf8")))) names.add(name);
  } catch {
    /* no console operations here (a subgraph's own deployment): every named operation is "other" */
  }
  return (consoleNames = names);
}

/**
 * The client operation a subgraph fetch belongs to: the gateway names its fetches
 * `<operation>__<subgraph>__<n>`, so a subgraph's metrics count under the client's operation.
 */
export function clientOperationName(name: string | null | undefined): string | null {
  if (!name) return null;
  const match = /^(.+?)__[a-z]+__\d+$/.exec(name);
  return match ? match[1]! : name;
}
