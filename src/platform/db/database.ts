import { Kysely, PostgresDialect, type Transaction } from "kysely";
import pg from "pg";
import type { Config } from "../../config.ts";
import { type EmbeddedDatabase, startEmbeddedDatabase } from "./embedded.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Repositories take whichever they are given: the database, or a service's transaction. */
export type DbOrTrx = Db | Trx;

// Dates and timestamps come back as JS Dates; bigint ids as strings (never silently rounded).
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface DatabaseHandle {
  db: Db;
  /** "embedded" (PGlite in a child process) or "server" (DATABASE_URL). */
  kind: "embedded" | "server";
  url: string;
  close(): Promise<void>;
}

export async function openDatabase(
  config: Pick<Config, "DATABASE_URL" | "dataDir">,
  options: { poolSize?: number; embeddedDir?: string } = {},
): Promise<DatabaseHandle> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedDatabase(options.embeddedDir ?? `${config.dataDir}/pgdata`);
    url = embedded.url;
  }
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? (embedded ? 4 : 10) });
  pool.on("error", () => {}); // a dropped idle connection is replaced on next use
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: embedded ? "embedded" : "server",
    url,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
