import { readFileSync } from "node:fs";
import path from "node:path";
import { createSecureContext } from "node:tls";
import { X509Certificate } from "node:crypto";

/**
 * Mutual TLS between a router and the subgraph servers: the portable way for a router that is
 * not the hub's own gateway (Hive Gateway, Apollo Router, …) to prove it is the router, where
 * the hub's gateway can also sign its requests (src/server/signature.ts). Each end names three
 * PEM files: its own certificate (chain) and key, and the CA it checks the other end against.
 *
 *   HUB_SUBGRAPH_TLS_CERT, HUB_SUBGRAPH_TLS_KEY, HUB_SUBGRAPH_TLS_CA
 *       a subgraph server serves HTTPS with this certificate and admits a GraphQL request whose
 *       client certificate chains to this CA (else it still needs the gateway's signature)
 *   HUB_GATEWAY_TLS_CERT, HUB_GATEWAY_TLS_KEY, HUB_GATEWAY_TLS_CA
 *       the hub's gateway presents this client certificate to the subgraph servers and checks
 *       their certificates against this CA (instead of the system's roots)
 */
export interface TlsFiles {
  /** The certificate this end presents, PEM (a chain: leaf first). */
  cert: Buffer;
  key: Buffer;
  /** The CA certificate(s) the other end's certificate must chain to, PEM. */
  ca: Buffer;
}

export const TLS_SETTINGS = {
  subgraph: { cert: "HUB_SUBGRAPH_TLS_CERT", key: "HUB_SUBGRAPH_TLS_KEY", ca: "HUB_SUBGRAPH_TLS_CA" },
  gateway: { cert: "HUB_GATEWAY_TLS_CERT", key: "HUB_GATEWAY_TLS_KEY", ca: "HUB_GATEWAY_TLS_CA" },
} as const;

/**
 * One end's three files, read and checked now (each exists, is PEM, the key matches the
 * certificate), so a mistake is reported at start-up with the others, not at the first request.
 * Null when none of the three is set; all three or none.
 */
export function parseTlsFiles(
  env: NodeJS.ProcessEnv,
  end: keyof typeof TLS_SETTINGS,
  projectRoot: string,
  problems: string[],
): TlsFiles | null {
  const names = TLS_SETTINGS[end];
  const set = (Object.values(names) as string[]).filter((name) => env[name]?.trim());
  if (set.length === 0) return null;
  if (set.length < 3) {
    const missing = (Object.values(names) as string[]).filter((name) => !set.includes(name));
    problems.push(
      `${set.join(" and ")} ${set.length === 1 ? "is" : "are"} set but ${missing.join(" and ")} ` +
        `${missing.length === 1 ? "is" : "are"} not: mutual TLS needs the certificate, its key and the CA, all three`,
    );
    return null;
  }
  const before = problems.length;
  const read = (name: string): Buffer => {
    const file = path.resolve(projectRoot, env[name]!.trim());
    try {
      const content = readFileSync(file);
      if (!content.includes("-----BEGIN ")) problems.push(`${name} must be a PEM file, but ${file} is not one`);
      return content;
    } catch (error) {
      problems.push(`${name} names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
      return Buffer.alloc(0);
    }
  };
  const files: TlsFiles = { cert: read(names.cert), key: read(names.key), ca: read(names.ca) };
  if (problems.length > before) return null;
  try {
    new X509Certificate(files.ca);
  } catch {
    problems.push(`${names.ca} must hold a CA certificate, but its file does not parse as one`);
    return null;
  }
  try {
    createSecureContext({ cert: files.cert, key: files.key, ca: files.ca });
  } catch (error) {
    // Never the key itself: OpenSSL's reason only ("key values mismatch", "bad decrypt", …).
    const reason = error instanceof Error ? error.message : String(error);
    problems.push(`${names.cert} and ${names.key} do not make a usable certificate and key: ${reason}`);
    return null;
  }
  return files;
}
