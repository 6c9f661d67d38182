import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";

// grafserv 1 calls Promise.withResolvers (Node 22+); this machine runs Node 20.
// The polyfill is the bench's only, and behaves as the built-in does.
const promiseWithResolvers = Promise as unknown as { withResolvers?: () => unknown };
promiseWithResolvers.withResolvers ??= function withResolvers<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

/**
 * PostGraphile 5 (amber preset) over the same PostgreSQL tables, served on loopback HTTP: the
 * roster's peer. It knows nothing of the hub's rules, so smart comments tell it the
 * relations the hub keeps by convention rather than by foreign key (a student's current link
 * by record id, a child's coverage rows by child id). It does no authentication, no row
 * scope, no masking and no audit.
 */
export async function servePostGraphile(connectionString: string): Promise<{ url: string; close(): Promise<void> }> {
  // Loaded here, not at the top: Grafast reads GRAPHILE_ENV when it loads (run.ts sets it first).
  const [{ postgraphile }, { PostGraphileAmberPreset }, { makePgService }, { grafserv }] = await Promise.all([
    import("postgraphile"),
    import("postgraphile/presets/amber"),
    import("postgraphile/adaptors/pg"),
    import("postgraphile/grafserv/node"),
  ]);
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  try {
    // record_id is unique by a unique index, which PostGraphile does not count as a key.
    await admin.query(`comment on table education.student_registrations is E'@unique record_id'`);
    await admin.query(
      "comment on table hub.links is " +
        "E'@foreignKey (record_id) references education.student_registrations (record_id)" +
        "|@fieldName studentRegistration|@foreignFieldName currentLinks'",
    );
    await admin.query(
      "comment on table hub.coverage_status is " +
        "E'@foreignKey (child_id) references hub.children (id)|@fieldName child|@foreignFieldName coverageRows'",
    );
  } finally {
    await admin.end();
  }
  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ connectionString, schemas: ["education", "hub"], poolConfig: { max: 10 } })],
    grafserv: { graphqlPath: "/graphql", graphiql: false },
    grafast: { explain: false },
    // Amber offers conditions and ordering only on indexed columns; the roster orders by
    // (grade, class, id) inside a (school, year) index, so let it use every column.
    disablePlugins: ["PgIndexBehaviorsPlugin"],
  });
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  server.on("error", () => {});
  await serv.addTo(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pgl.release();
    },
  };
}
