import { createReadStream, existsSync, statSync } from "node:fs";
import type { HttpRoute } from "../server/http.ts";
import path from "node:path";

/** A demo identity the console's sign-in page lists: only ever offered with the public demo secret. */
export interface DemoIdentity {
  role: string;
  subject: string;
  scope: Record<string, unknown>;
  token: string;
}

export interface ConsoleRouteOptions {
  /** The built console (`npm run build:console` writes dist/console). */
  dir: string;
  /**
   * Demo identities for the sign-in page; undefined outside the demo (a real secret, a JWKS, or
   * production), and then `/console/demo-identities.json` answers 404.
   */
  demoIdentities?: () => Promise<DemoIdentity[]>;
}

export const CONSOLE_PATH = "/console";
export const DEMO_IDENTITIES_PATH = `${CONSOLE_PATH}/demo-identities.json`;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
};

/**
 * Serves the web console from its build folder at /console: files by path with their content
 * type, index.html for any other path below /console (client routes), nothing outside the
 * folder. Vite fingerprints the files under assets/, so those may be cached for good; the page
 * itself is never cached, so a rebuilt console is picked up on reload.
 */
export function consoleRoute(options: ConsoleRouteOptions): HttpRoute {
  const root = path.resolve(options.dir);
  return async (req, res, url) => {
    const pathname = url.pathname;
    if (pathname !== CONSOLE_PATH && !pathname.startsWith(`${CONSOLE_PATH}/`)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("the console is read with GET\n");
      return true;
    }
    if (pathname === CONSOLE_PATH) {
      res.writeHead(301, { location: `${CONSOLE_PATH}/` }).end();
      return true;
    }
    if (pathname === DEMO_IDENTITIES_PATH) {
      // Served only in the demo (the public demo secret, outside production); anywhere else the
      // path does not exist, and the sign-in page asks for a token.
      if (!options.demoIdentities) {
        res.writeHead(404, { "content-type": "text/plain", "cache-control": "no-store" }).end("not found\n");
        return true;
      }
      const identities = await options.demoIdentities();
      res
        .writeHead(200, { "content-type": "application/json", "cache-control": "no-store" })
        .end(JSON.stringify({ demo: true, identities }));
      return true;
    }
    const index = path.join(root, "index.html");
    if (!existsSync(index)) {
      res
        .writeHead(503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" })
        .end(
          "the web console is not built: run `npm run build:console` " +
            `(it writes ${path.relative(process.cwd(), root) || root})\n`,
        );
      return true;
    }
    const file = resolveInside(root, pathname.slice(CONSOLE_PATH.length + 1));
    if (file === null) {
      res.writeHead(400, { "content-type": "text/plain" }).end("bad path\n");
      return true;
    }
    const found = file !== root && existsSync(file) && statSync(file).isFile();
    // A missing fingerprinted asset is a real 404; any other path is a client route of the page.
    if (!found && pathname.startsWith(`${CONSOLE_PATH}/assets/`)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return true;
    }
    const served = found ? file : index;
    const immutable = found && pathname.startsWith(`${CONSOLE_PATH}/assets/`);
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[path.extname(served).toLowerCase()] ?? "application/octet-stream",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-store",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") {
      res.end();
      return true;
    }
    await new Promise<void>((resolve, reject) =>
      createReadStream(served).on("error", reject).on("end", resolve).pipe(res),
    );
    return true;
  };
}

/**
 * `relative` (a URL path below the console, still percent-encoded) as a file inside `root`, or
 * null when it would leave the folder (`..`, an encoded slash or backslash, a NUL byte).
 *
 *   resolveInside("/srv/console", "assets/index-abc.js")  // "/srv/console/assets/index-abc.js"
 *   resolveInside("/srv/console", "..%2F..%2Fetc/passwd") // null
 */
export function resolveInside(root: string, relative: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const segments = decoded.split("/");
  if (segments.some((s) => s === "..")) return null;
  const file = path.resolve(root, ...segments.filter((s) => s !== "" && s !== "."));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}
