/**
 * Child process: opens the PGlite database in a data folder and serves it on a Unix socket,
 * so the web process talks to it with the same `pg` driver it uses for a PostgreSQL server
 * and PGlite's work never blocks the web process's event loop.
 * Plain JavaScript, so it starts without the TypeScript loader (faster, ~50 MB less memory).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

const dataDir = process.argv[2];
const socketDir = process.argv[3];
if (!dataDir || !socketDir) {
  console.error("usage: embedded-server DATA_DIR SOCKET_DIR");
  process.exit(2);
}
mkdirSync(socketDir, { recursive: true });
const socketPath = join(socketDir, ".s.PGSQL.5432");
rmSync(socketPath, { force: true });

// Small shared buffers: a council's working set is modest, and the WASM heap never gives memory back.
// btree_gin lets one GIN index serve full-text search and equality filters together (the disclosure log).
const options = { postgresqlconf: "shared_buffers=16MB", extensions: { btree_gin } };
const db =
  dataDir === "memory://" ? await PGlite.create(options) : await PGlite.create(dataDir, options);
const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 100 });
await server.start();
process.send?.({ ready: true, socketDir });

async function shutdown() {
  await server.stop().catch(() => {});
  await db.close().catch(() => {});
  rmSync(socketPath, { force: true });
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
process.on("disconnect", shutdown);
