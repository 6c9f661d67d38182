// Preloaded (`node --import`) into the compiled hub by production-build.test.ts: production must
// run without tsx, esbuild (tsx's compiler) or Vite, so loading any of them, by `import` or by
// `require`, throws instead. The line on stderr tells the test the guard was really on.
import Module, { register } from "node:module";

const FORBIDDEN = String.raw`[\\/]node_modules[\\/](tsx|esbuild|@esbuild|vite|@vitejs)[\\/]`;
const forbidden = new RegExp(FORBIDDEN);
const refusal = (what) => `a development tool was loaded in production: ${what}`;

// ESM: the resolved URL of every import (the hook runs on the loader's thread, so it is a string).
register(
  "data:text/javascript," +
    encodeURIComponent(`
      const forbidden = new RegExp(${JSON.stringify(FORBIDDEN)});
      export async function resolve(specifier, context, next) {
        const resolved = await next(specifier, context);
        if (forbidden.test(resolved.url)) throw new Error(${JSON.stringify(refusal(""))} + resolved.url);
        return resolved;
      }`),
);

// CommonJS: every require, the Apollo packages' included.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  if (forbidden.test(file)) throw new Error(refusal(file));
  return file;
};

process.stderr.write("dev-tool guard: on\n");
