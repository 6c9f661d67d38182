// PostGraphile is the benchmark's own dependency (bench/package.json), absent from the hub's
// node_modules: these are the few parts postgraphile.ts uses, so the hub's type check
// (`npm run check:types`) passes without the benchmark's packages (once they are installed in
// bench/node_modules, TypeScript resolves and checks against PostGraphile's own types).
declare module "postgraphile" {
  import type { Server } from "node:http";
  interface Serv {
    addTo(server: Server): Promise<void>;
  }
  interface PostGraphileInstance {
    createServ(grafserv: unknown): Serv;
    release(): Promise<void>;
  }
  export function postgraphile(preset: Record<string, unknown>): PostGraphileInstance;
}
declare module "postgraphile/presets/amber" {
  export const PostGraphileAmberPreset: Record<string, unknown>;
}
declare module "postgraphile/adaptors/pg" {
  export function makePgService(options: {
    connectionString: string;
    schemas: string[];
    poolConfig?: { max?: number };
  }): Record<string, unknown>;
}
declare module "postgraphile/grafserv/node" {
  export const grafserv: unknown;
}
