import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TlsFiles } from "../../src/config/tls.ts";

/** A certificate and its key, as PEM files on disk (for settings) and their contents (for clients). */
export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

/**
 * The certificates of a mutual-TLS test, made with openssl for the test that asks (nothing is
 * checked in, nothing outlives `remove()`): the routers' and subgraphs' CA, a server
 * certificate for 127.0.0.1 and localhost, a router's client certificate, and a client
 * certificate of the same name from another CA (what a stranger would present).
 */
export interface TestPki {
  dir: string;
  caFile: string;
  ca: Buffer;
  server: IssuedCertificate;
  router: IssuedCertificate;
  stranger: IssuedCertificate;
  /** HUB_SUBGRAPH_TLS_* for a subgraph server with the server certificate. */
  subgraphEnv: Record<string, string>;
  /** HUB_GATEWAY_TLS_* for the hub's gateway with the router's certificate. */
  gatewayEnv: Record<string, string>;
  /** The router's TLS files, as a client passes them. */
  routerTls: TlsFiles;
  remove(): void;
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), "hub-mtls-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  // P-256 keys: a handful of milliseconds each, where RSA keys take a noticeable part of a second.
  const newCa = (name: string) => {
    openssl(
      "req",
      ...["-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"],
      ...["-subj", `/CN=${name}`, "-keyout", file(`${name}.key`), "-out", file(`${name}.pem`)],
      ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    );
  };
  const issue = (ca: string, name: string, extensions: string, subject = name): IssuedCertificate => {
    openssl(
      "req",
      ...["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-subj", `/CN=${subject}`, "-keyout", file(`${name}.key`), "-out", file(`${name}.csr`)],
    );
    writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      "x509",
      ...["-req", "-in", file(`${name}.csr`), "-CA", file(`${ca}.pem`), "-CAkey", file(`${ca}.key`)],
      ...["-CAcreateserial", "-days", "2", "-extfile", file(`${name}.ext`), "-out", file(`${name}.pem`)],
    );
    return {
      certFile: file(`${name}.pem`),
      keyFile: file(`${name}.key`),
      cert: readFileSync(file(`${name}.pem`)),
      key: readFileSync(file(`${name}.key`)),
    };
  };
  newCa("hub-ca");
  newCa("other-ca");
  const server = issue(
    "hub-ca",
    "subgraph",
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  const router = issue("hub-ca", "router", "extendedKeyUsage=clientAuth\n");
  // The same subject name as the router's: only the issuer tells them apart.
  const stranger = issue("other-ca", "stranger", "extendedKeyUsage=clientAuth\n", "router");
  const caFile = file("hub-ca.pem");
  const ca = readFileSync(caFile);
  return {
    dir,
    caFile,
    ca,
    server,
    router,
    stranger,
    subgraphEnv: {
      HUB_SUBGRAPH_TLS_CERT: server.certFile,
      HUB_SUBGRAPH_TLS_KEY: server.keyFile,
      HUB_SUBGRAPH_TLS_CA: caFile,
    },
    gatewayEnv: {
      HUB_GATEWAY_TLS_CERT: router.certFile,
      HUB_GATEWAY_TLS_KEY: router.keyFile,
      HUB_GATEWAY_TLS_CA: caFile,
    },
    routerTls: { cert: router.cert, key: router.key, ca },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
