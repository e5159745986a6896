import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";

const folder = fileURLToPath(new URL("./migrations/", import.meta.url));

export function listMigrations(): { name: string; sql: string }[] {
  return readdirSync(folder)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(folder + name, "utf8") }));
}

/**
 * Applies the SQL files in migrations/ in name order, each in its own transaction, recording each
 * in schema_migrations. An advisory lock keeps two processes starting together from racing.
 */
export async function migrate<T>(
  db: Kysely<T>,
  log: (msg: string) => void = () => {},
): Promise<string[]> {
  const applied: string[] = [];
  await db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(727274)`.execute(conn);
    try {
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(conn);
      const done = await sql<{ name: string }>`SELECT name FROM schema_migrations`.execute(conn);
      const seen = new Set(done.rows.map((r) => r.name));
      for (const m of listMigrations()) {
        if (seen.has(m.name)) continue;
        await conn.transaction().execute(async (trx) => {
          await sql.raw(m.sql).execute(trx);
          await sql`INSERT INTO schema_migrations (name) VALUES (${m.name})`.execute(trx);
        });
        log(`applied migration ${m.name}`);
        applied.push(m.name);
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(727274)`.execute(conn);
    }
  });
  return applied;
}
