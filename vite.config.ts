import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The web console (src/console) as static files in dist/console, served by the hub at /console.
 * Everything is bundled from node_modules: no CDN, no web fonts, nothing fetched at run time
 * but the hub's own /graphql.
 */
export const CONSOLE_ROOT = path.resolve(import.meta.dirname, "src/console");
export const CONSOLE_OUT_DIR = path.resolve(import.meta.dirname, "dist/console");

export default defineConfig({
  root: CONSOLE_ROOT,
  base: "/console/",
  plugins: [react()],
  publicDir: false,
  logLevel: "warn",
  build: {
    outDir: CONSOLE_OUT_DIR,
    emptyOutDir: true,
    sourcemap: false,
    // The console is for offices on modern browsers; Chromium runs the end-to-end tests.
    target: "es2022",
    reportCompressedSize: false,
  },
});
